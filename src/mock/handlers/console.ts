/**
 * `termproxy` and `vncwebsocket` for a node's shell, a VM's serial terminal and a container's console: termproxy
 * grants a port and a ticket and starts the worker task (vncshell / vncproxy); vncwebsocket checks the ticket for
 * the caller, the path and the port. The websocket itself is src/mock/console-socket.ts; the worker task runs until
 * the ticket expires unused, or as long as the console.
 */
import { MockError, fail } from '../mock-error';
import { TICKET_MS, consolesOf } from '../console-grants';
import type { GuestType } from '../state';
import { type HandlerContext, type HandlerTable, int, str } from './context';
import { guestOf } from './guest-common';


function caller(ctx: HandlerContext): string {
  return ctx.id.tokenid ?? ctx.id.userid;
}

function termproxy(ctx: HandlerContext, type?: GuestType) {
  const node = ctx.params.node;
  const guest = type ? { type, vmid: String(guestOf(type, ctx).vmid) } : undefined;
  const authpath = guest ? `/vms/${guest.vmid}` : `/nodes/${node}`;
  const { grants, livePorts } = consolesOf(ctx.state);
  const upid = ctx.task({ node, type: guest ? 'vncproxy' : 'vncshell', id: guest?.vmid ?? '', durationMs: TICKET_MS, log: ['starting termproxy'] });
  // `qm terminal` talks to serial0 unless a port is named (or the display is one: vga serialN).
  const vga = /^(serial\d)/.exec(String(guest && type === 'qemu' ? (guestOf(type, ctx).config.vga ?? '') : ''))?.[1];
  const serial = type === 'qemu' ? (str(ctx.args.serial) ?? vga ?? 'serial0') : undefined;
  const grant = grants.issue({ user: caller(ctx), authpath, node, guest, upid, serial }, livePorts);
  if (!grant) throw fail('unable to find free port (5900-5999)');
  return { user: grant.user, ticket: grant.ticket, port: grant.port, upid };
}

function vncwebsocket(ctx: HandlerContext, type?: GuestType) {
  const authpath = type ? `/vms/${ctx.params.vmid}` : `/nodes/${ctx.params.node}`;
  if (type) guestOf(type, ctx);
  const port = int(ctx.args.port, 0);
  if (!consolesOf(ctx.state).grants.check(String(ctx.args.vncticket), port, authpath, caller(ctx))) {
    throw new MockError(401, 'permission denied - invalid vncticket');
  }
  return { port: String(port) };
}

export const consoleHandlers: HandlerTable = {
  'POST /nodes/{node}/termproxy': (ctx) => termproxy(ctx),
  'GET /nodes/{node}/vncwebsocket': (ctx) => vncwebsocket(ctx),
  'POST /nodes/{node}/qemu/{vmid}/termproxy': (ctx) => termproxy(ctx, 'qemu'),
  'GET /nodes/{node}/qemu/{vmid}/vncwebsocket': (ctx) => vncwebsocket(ctx, 'qemu'),
  'POST /nodes/{node}/lxc/{vmid}/termproxy': (ctx) => termproxy(ctx, 'lxc'),
  'GET /nodes/{node}/lxc/{vmid}/vncwebsocket': (ctx) => vncwebsocket(ctx, 'lxc'),
};
