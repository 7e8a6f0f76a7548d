import { accessHandlers } from './access';
import { clusterHandlers } from './cluster';
import { consoleHandlers } from './console';
import type { HandlerTable } from './context';
import { guestHandlers } from './guests';
import { metricsHandlers } from './metrics';
import { poolHandlers } from './pools';
import { realmHandlers } from './realms';
import { storageHandlers } from './storage';
import { taskHandlers } from './tasks';
import { uploadHandlers } from './upload';

/** Every hand-written handler, keyed by `METHOD /template`; all other operations are answered from the schema. */
export const HANDLERS: HandlerTable = {
  ...clusterHandlers,
  ...taskHandlers,
  ...guestHandlers('qemu'),
  ...guestHandlers('lxc'),
  ...storageHandlers,
  ...uploadHandlers,
  ...poolHandlers,
  ...accessHandlers,
  ...realmHandlers,
  ...metricsHandlers,
  ...consoleHandlers,
};
