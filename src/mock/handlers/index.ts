import { accessHandlers } from './access';
import { backupHandlers } from './backup';
import { clusterHandlers } from './cluster';
import { consoleHandlers } from './console';
import type { HandlerTable } from './context';
import { guestHandlers } from './guests';
import { haHandlers } from './ha';
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
  ...haHandlers,
  ...backupHandlers,
  ...uploadHandlers,
  ...poolHandlers,
  ...accessHandlers,
  ...realmHandlers,
  ...metricsHandlers,
  ...consoleHandlers,
};
