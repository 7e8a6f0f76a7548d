import type { ConnectionSettings } from './settings';
import { cookieName, isWrite, tokenAuthorization } from './auth';
import { transportError } from './errors';
import { resolveProxy } from './proxy';
import { REDACTED, Redactor, isSecretParam, redactForm } from './redact';
import type { ApiRequest } from './types';
import { encodeParams, paramsInQuery, targetUrl } from './url';

export interface DescribedRequest {
  method: string;
  url: string;
  /** The proxy the request would go through (its password masked), when one applies. */
  proxy?: string;
  headers: Record<string, string>;
  body?: string;
}

/** For --dry-run: what would be sent, secrets redacted, no connection opened (and no login). */
export function describeRequest(settings: ConnectionSettings, req: ApiRequest): DescribedRequest {
  const redactor = new Redactor();
  redactor.add(settings.tokenSecret);
  redactor.add(settings.password);
  const inQuery = paramsInQuery(req.method);
  const url = targetUrl(settings, req.path, inQuery ? encodeParams(req.params) : '');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (settings.tokenId && settings.tokenSecret) {
    headers.authorization = tokenAuthorization(settings.service, settings.tokenId, REDACTED);
  } else if (settings.username) {
    headers.cookie = `${cookieName(settings.service)}=${REDACTED}`;
    if (isWrite(req.method)) headers.csrfpreventiontoken = REDACTED;
  }
  const described: DescribedRequest = { method: req.method, url: redactor.url(url), headers };
  let proxy: URL | undefined;
  try {
    proxy = resolveProxy(url, settings.proxy);
  } catch (err) {
    throw transportError(err, { where: url.host, label: `${req.method} ${req.path}`, timeoutS: settings.timeout, timedOut: false });
  }
  if (proxy) described.proxy = redactor.url(proxy);
  if (!inQuery) {
    headers['content-type'] = req.json ? 'application/json' : 'application/x-www-form-urlencoded';
    described.body = redactor.redact(req.json ? JSON.stringify(redactJson(req.params ?? {}, req.path)) : redactForm(encodeParams(req.params), req.path));
  }
  return described;
}

function redactJson(params: Record<string, string | string[]>, path: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(params)) out[k] = isSecretParam(k, path) ? REDACTED : v;
  return out;
}
