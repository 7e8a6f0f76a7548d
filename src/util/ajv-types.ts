/**
 * The shape of an ajv validate function as the build generates it (standalone code, so the runtime needs no ajv):
 * errors hang on the function after a failed call. Shared by the config file's validator and the API's.
 */
export interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  schemaPath: string;
}

export interface ValidateFn {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}
