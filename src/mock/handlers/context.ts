import type { Operation } from '../../schema/types';
import type { Identity } from '../auth';
import type { MockState } from '../state';
import type { TaskPlan, Tasks } from '../tasks';

/** What a hand-written handler gets: the resolved request, the caller and the mock's state. */
export interface HandlerContext {
  method: string;
  template: string;
  /** Path parameters from the URL. */
  params: Record<string, string>;
  /** Query or body parameters merged with the path parameters (already validated). */
  args: Record<string, unknown>;
  id: Identity;
  state: MockState;
  tasks: Tasks;
  op: Operation;
  /** Start a task owned by the caller; returns its UPID. */
  task(plan: Omit<TaskPlan, 'user'>): string;
  /** Mark the state changed (it is saved after the handler returns). */
  changed(): void;
  /** Top-level fields sent beside `data` (e.g. `total` of a task log). */
  extra?: Record<string, unknown>;
}

export type Handler = (ctx: HandlerContext) => unknown;

/** Handlers keyed by `METHOD /template`. */
export type HandlerTable = Record<string, Handler>;

export const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
export const int = (v: unknown, fallback: number): number => {
  const n = Number(v);
  return v === undefined || v === '' || Number.isNaN(n) ? fallback : Math.trunc(n);
};
export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';
export const now = (): number => Math.floor(Date.now() / 1000);
