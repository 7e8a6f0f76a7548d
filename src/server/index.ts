/** The HTTP front shared by `mock serve` and the gateway: listen, TLS, bodies, one handler, Proxmox-shaped replies. */
export { listen, requestHead, type AccessEntry, type RunningServer, type ServerLimits, type ServerOptions } from './listen';
export { RequestError } from './errors';
export { type Reply, errorReply } from './reply';
export { type Handler, type ServerRequest } from './types';
export { parseBody, parseForm, queryParams, readAll, readParams } from './body';
export { type FilePart, type FieldPart, type Part, MultipartParser, multipartBoundary, multipartParts } from './multipart';
export { type CertPair, fingerprintOf, generateSelfSigned, loadOrCreateCert } from './cert';
