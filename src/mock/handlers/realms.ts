/**
 * Authentication realms (/access/domains) as pve-access-control keeps them in domains.cfg. `pam` and `pve` are
 * always there: Proxmox adds them, with their type and default comment, every time it reads the file, so deleting
 * one succeeds and only resets it. Other realms are of type ldap, ad or openid, with the options their plugin
 * allows. The mock has no directory server: a sync finds no users or groups.
 */
import { badParams, fail } from '../mock-error';
import type { ConfigValue, MockState, Realm } from '../state';
import { type HandlerContext, type HandlerTable, bool } from './context';
import { configDigest } from './guest-common';

const BUILTIN: Record<string, string> = { pam: 'Linux PAM standard authentication', pve: 'Proxmox VE authentication server' };

const LDAP_OPTIONS = [
  'server2', 'port', 'secure', 'sslversion', 'default', 'comment', 'tfa', 'verify', 'capath', 'cert', 'certkey', 'bind_dn',
  'filter', 'sync_attributes', 'user_classes', 'group_dn', 'group_name_attr', 'group_filter', 'group_classes',
  'sync-defaults-options', 'mode', 'case-sensitive',
];

/** Each type's options (PVE::Auth::<Plugin>->options), the required ones first. */
const OPTIONS: Record<string, { required: string[]; optional: string[] }> = {
  pam: { required: [], optional: ['default', 'comment', 'tfa'] },
  pve: { required: [], optional: ['default', 'comment', 'tfa'] },
  ldap: { required: ['server1', 'base_dn', 'user_attr'], optional: LDAP_OPTIONS },
  ad: { required: ['server1', 'domain'], optional: [...LDAP_OPTIONS, 'base_dn', 'user_attr'] },
  openid: {
    required: ['issuer-url', 'client-id'],
    optional: [
      'client-key', 'autocreate', 'username-claim', 'groups-claim', 'groups-autocreate', 'groups-overwrite', 'prompt', 'scopes',
      'acr-values', 'audiences', 'default', 'comment', 'query-userinfo',
    ],
  },
};
/** Parameters that are not realm options: the bind password is kept apart from domains.cfg, never shown. */
const NOT_OPTIONS = new Set(['realm', 'type', 'password', 'check-connection', 'digest', 'delete']);

/** The realms as Proxmox reads domains.cfg: `pam` and `pve` added back with their type and comment. */
export function realmsOf(state: MockState): Record<string, Realm> {
  const realms = state.data.realms;
  for (const [id, comment] of Object.entries(BUILTIN)) {
    const r = (realms[id] ??= { type: id });
    r.type = id;
    if (!r.comment) r.comment = comment;
  }
  realms.pam.plugin = 'PVE::Auth::PAM';
  return realms;
}

/** The options a request sets, as domains.cfg stores them: booleans 0/1, integers as numbers. */
function optionsOf(ctx: HandlerContext): Record<string, ConfigValue> {
  const props = ctx.op.parameters.properties ?? {};
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(ctx.args)) {
    if (NOT_OPTIONS.has(k) || v === undefined || !(k in props)) continue;
    const type = props[k].type;
    out[k] = type === 'boolean' ? (bool(v) ? 1 : 0) : type === 'integer' ? Number(v) : String(v);
  }
  return out;
}

/**
 * SectionConfig's check_config: only the type's options, and on create the required ones. (Options fixed at
 * creation, such as openid's username-claim, are not in the update schema: the validator refuses them.)
 */
function checkOptions(type: string, options: Record<string, ConfigValue>, create: boolean): string | undefined {
  const { required, optional } = OPTIONS[type] ?? { required: [], optional: [] };
  for (const k of Object.keys(options)) {
    if (!required.includes(k) && !optional.includes(k)) return `unexpected property '${k}'`;
  }
  if (create) for (const k of required) if (options[k] === undefined) return `missing value for required option '${k}'`;
  return undefined;
}

/** Setting `default` on one realm takes it from all others. */
function setDefault(realms: Record<string, Realm>, options: Record<string, ConfigValue>): void {
  if (options.default) for (const r of Object.values(realms)) delete r.default;
}

const checkConnection = (ctx: HandlerContext, type: string): string | undefined =>
  ctx.args['check-connection'] !== undefined && type !== 'ldap' && type !== 'ad'
    ? "'check-connection' parameter can only be set for realms of type 'ldap' or 'ad'"
    : undefined;

const tfaType = (tfa: ConfigValue | undefined) => (tfa === undefined ? undefined : /(?:^|,)type=([^,]+)/.exec(String(tfa))?.[1]);

export const realmHandlers: HandlerTable = {
  'GET /access/domains': (ctx) =>
    Object.entries(realmsOf(ctx.state)).map(([realm, r]) => {
      const tfa = tfaType(r.tfa);
      return { realm, type: r.type, ...(r.comment ? { comment: r.comment } : {}), ...(r.default ? { default: 1 } : {}), ...(tfa ? { tfa } : {}) };
    }),

  'POST /access/domains': (ctx) => {
    const realms = realmsOf(ctx.state);
    const realm = String(ctx.args.realm);
    const type = String(ctx.args.type);
    const options = optionsOf(ctx);
    const problem =
      (realms[realm] && `domain '${realm}' already exists`) ||
      ((type === 'pam' || type === 'pve') && `unable to create builtin type '${type}'`) ||
      checkConnection(ctx, type) ||
      checkOptions(type, options, true);
    if (problem) throw fail(`add auth server failed: ${problem}`);
    setDefault(realms, options);
    realms[realm] = { ...options, type };
    ctx.changed();
    return null;
  },

  'GET /access/domains/{realm}': (ctx) => {
    const realms = realmsOf(ctx.state);
    const r = realms[ctx.params.realm];
    if (!r) throw fail(`domain '${ctx.params.realm}' does not exist`);
    return { ...r, digest: configDigest(realms) };
  },

  'PUT /access/domains/{realm}': (ctx) => {
    const realms = realmsOf(ctx.state);
    const realm = ctx.params.realm;
    const failed = (problem: string) => fail(`update auth server failed: ${problem}`);
    if (ctx.args.digest !== undefined && String(ctx.args.digest) !== configDigest(realms)) {
      throw failed('detected modified configuration - file changed by other user? Try again.');
    }
    const r = realms[realm];
    if (!r) throw failed(`domain '${realm}' does not exist`);
    const options = optionsOf(ctx);
    const deletions = String(ctx.args.delete ?? '').split(/[,;\s]+/).filter(Boolean);
    const problem =
      checkConnection(ctx, r.type) ||
      (!deletions.length && !Object.keys(options).length && ctx.args.password === undefined && 'no options specified') ||
      checkOptions(r.type, options, false);
    if (problem) throw failed(problem);
    for (const k of deletions) if (k !== 'type') delete r[k];
    setDefault(realms, options);
    Object.assign(r, options);
    ctx.changed();
    return null;
  },

  'DELETE /access/domains/{realm}': (ctx) => {
    const realm = ctx.params.realm;
    if (!realmsOf(ctx.state)[realm]) throw fail(`delete auth server failed: authentication domain '${realm}' does not exist`);
    delete ctx.state.data.realms[realm];
    ctx.changed();
    return null;
  },

  'POST /access/domains/{realm}/sync': (ctx) => {
    const realm = ctx.params.realm;
    const r = realmsOf(ctx.state)[realm];
    if (!r) throw badParams({ realm: 'Realm does not exist.' });
    if (r.type !== 'ldap' && r.type !== 'ad') throw fail(`Cannot sync realm type '${r.type}'! Only LDAP/AD realms can be synced.`);
    const scope = ctx.args.scope ?? /(?:^|,)scope=([^,]+)/.exec(String(r['sync-defaults-options'] ?? ''))?.[1];
    if (scope === undefined) throw badParams({ scope: 'Not passed as parameter and not defined in realm default sync options.' });
    const what = scope === 'both' ? 'users and groups' : String(scope);
    const dryRun = bool(ctx.args['dry-run']);
    const log = [
      `${dryRun ? '(dry test run) ' : ''}starting sync for realm ${realm}`,
      `got data from server, updating ${what}`,
      ...(scope !== 'groups' ? ['syncing users'] : []),
      ...(scope !== 'users' ? ['syncing groups'] : []),
      dryRun ? 'NOTE: Dry test run, changes were NOT written to the configuration.' : `successfully updated ${what} configuration`,
    ];
    return ctx.task({ node: ctx.state.data.nodes[0], type: dryRun ? 'auth-realm-sync-test' : 'auth-realm-sync', id: realm, log });
  },
};
