import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { StackSources } from '../../spec/index.js';
import { describeFailure, errorCode } from '../../workflows/failures.js';
import { timeoutSignal } from '../timeoutSignal.js';
import { tokenSubject } from '../tokenSubject.js';
import { ArgoCdApiError, ArgoCdUnreachableError } from './errors.js';
import {
  apiErrorSchema,
  applicationSchema,
  canISchema,
  applicationStreamLineSchema,
  sessionSchema,
  userInfoSchema,
  versionSchema,
  type Application,
  type ApplicationEvent,
} from './schemas.js';
import type { ArgoCdSettings } from './settings.js';
import { jsonLines } from './stream.js';

/** The Application fields Baton writes; Argo CD fills in the rest. */
export interface ApplicationManifest {
  metadata: { name: string; namespace: string; labels: Record<string, string>; finalizers: string[] };
  spec: {
    project: string;
    /** The hub by its server URL, any other cluster by the name it is registered under in Argo CD. */
    destination: ({ server: string } | { name: string }) & { namespace: string };
    syncPolicy: {
      automated?: { prune: boolean; selfHeal: boolean };
      syncOptions: string[];
      managedNamespaceMetadata?: { labels: Record<string, string> };
    };
  } & StackSources;
}

export interface SyncRequest {
  /** Unset: each source's targetRevision (how a multi-source Application is synced). */
  revision?: string;
  prune: boolean;
  syncOptions: string[];
}

type RequestOptions = { body?: unknown; query?: Record<string, string>; signal?: AbortSignal };

/** fetch says only "fetch failed"; the system error it wraps (ECONNREFUSED, ENOTFOUND) says why. */
function unreachable(url: string, err: unknown): ArgoCdUnreachableError {
  return new ArgoCdUnreachableError(`cannot reach Argo CD at ${url}: ${errorCode(err) ?? describeFailure(err)}`);
}

/**
 * Argo CD's REST API, typed and validated: session, Applications (get, upsert, sync, terminate, delete)
 * and the application event stream. Logs in lazily, keeps the token, and logs in again (or re-reads a
 * rotated token file) once when Argo CD answers 401.
 */
export class ArgoCdClient {
  private token: string | undefined;
  private readonly baseUrl: string;

  constructor(private readonly settings: ArgoCdSettings) {
    this.baseUrl = settings.url.replace(/\/+$/, '');
  }

  /** Who Baton acts as: the local account's name, or the token's subject. */
  async account(): Promise<string> {
    const credentials = this.settings.credentials;
    if ('username' in credentials) return credentials.username;
    // An API token's subject is `ACCOUNT:apiKey`.
    return tokenSubject(await this.currentToken())?.split(':')[0] ?? `the token in ${credentials.tokenFile}`;
  }

  async version(signal?: AbortSignal): Promise<string> {
    return (await this.call('GET', '/api/version', versionSchema, { signal }, false)).Version;
  }

  /** Whether Argo CD accepts Baton's credentials: the account it sees, or a 401. */
  async loggedInAs(signal?: AbortSignal): Promise<string> {
    let info = await this.call('GET', '/api/v1/session/userinfo', userInfoSchema, { signal });
    if (!info.loggedIn) {
      // userinfo answers 200 for a token Argo CD no longer accepts (its signing key changed): log in again once.
      this.token = undefined;
      info = await this.call('GET', '/api/v1/session/userinfo', userInfoSchema, { signal });
    }
    if (!info.loggedIn) throw new ArgoCdApiError('GET', '/api/v1/session/userinfo', 401, 'not logged in');
    return info.username ?? (await this.account());
  }

  /**
   * Whether the account may do the action on the project's Application. Argo CD answers 403 both for a
   * missing Application and for one the account may not see: this tells the two apart.
   */
  async canI(action: string, project: string, name: string, signal?: AbortSignal): Promise<boolean> {
    const path = `/api/v1/account/can-i/applications/${action}/${encodeURIComponent(`${project}/${name}`)}`;
    return (await this.call('GET', path, canISchema, { signal })).value === 'yes';
  }

  /** Runs a call on one Application; a 403 the account is allowed past means Argo CD has no such Application. */
  private async unlessMissing<T>(
    action: string,
    project: string,
    name: string,
    call: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ArgoCdApiError && (err.notFound || (err.status === 403 && (await this.canI(action, project, name, signal)))))
        return undefined;
      throw err;
    }
  }

  /** The Application, or undefined when Argo CD has none by that name. `refresh` makes Argo CD compare with Git first. */
  getApplication(project: string, name: string, refresh?: 'normal' | 'hard', signal?: AbortSignal): Promise<Application | undefined> {
    const query = refresh ? { query: { refresh } } : {};
    return this.unlessMissing(
      'get',
      project,
      name,
      () => this.call('GET', `/api/v1/applications/${encodeURIComponent(name)}`, applicationSchema, { signal, ...query }),
      signal,
    );
  }

  /** Creates the Application, or replaces its spec when it exists (upsert); `validate` has Argo CD render the source first. */
  upsertApplication(application: ApplicationManifest, signal?: AbortSignal, validate = true): Promise<Application> {
    return this.call('POST', '/api/v1/applications', applicationSchema, {
      body: application,
      query: { upsert: 'true', validate: String(validate) },
      signal,
    });
  }

  sync(name: string, request: SyncRequest, signal?: AbortSignal): Promise<Application> {
    const body = { name, revision: request.revision, prune: request.prune, syncOptions: { items: request.syncOptions } };
    return this.call('POST', `/api/v1/applications/${encodeURIComponent(name)}/sync`, applicationSchema, { body, signal });
  }

  /** Stops the running operation (a sync) of the Application. */
  async terminateOperation(name: string, signal?: AbortSignal): Promise<void> {
    await this.call('DELETE', `/api/v1/applications/${encodeURIComponent(name)}/operation`, apiErrorSchema, { signal });
  }

  /** Deletes the Application; with cascade Argo CD deletes its resources first (foreground). False when there was none. */
  async deleteApplication(project: string, name: string, cascade: boolean, signal?: AbortSignal): Promise<boolean> {
    const query = { cascade: String(cascade), propagationPolicy: 'foreground' };
    const deleted = await this.unlessMissing(
      'delete',
      project,
      name,
      () => this.call('DELETE', `/api/v1/applications/${encodeURIComponent(name)}`, apiErrorSchema, { query, signal }),
      signal,
    );
    return deleted !== undefined;
  }

  /**
   * The Application's changes as Argo CD pushes them (/api/v1/stream/applications): the current state
   * first, then every change, until the stream ends or `signal` aborts.
   */
  async *watchApplication(name: string, signal: AbortSignal): AsyncGenerator<ApplicationEvent> {
    const response = await this.send('GET', '/api/v1/stream/applications', { query: { name }, signal }, true, false);
    if (!response.body) return;
    for await (const line of jsonLines(response.body)) {
      const parsed = applicationStreamLineSchema.parse(line);
      if (parsed.error)
        throw new ArgoCdApiError(
          'GET',
          '/api/v1/stream/applications',
          parsed.error.http_code ?? 500,
          parsed.error.message ?? 'stream error',
        );
      if (parsed.result) yield parsed.result;
    }
  }

  /** One typed call to Argo CD's API, its answer validated by the schema (what the zone's other modules send, such as resource actions). */
  async call<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    options: RequestOptions,
    authenticated = true,
  ): Promise<z.infer<T>> {
    const response = await this.send(method, path, options, authenticated, true);
    const text = await response.text();
    const parsed = schema.safeParse(text ? JSON.parse(text) : {});
    if (!parsed.success)
      throw new Error(
        `Argo CD's answer to ${method} ${path} is not what Baton expects: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      );
    return parsed.data;
  }

  /** One request; on a 401 the credentials are renewed and the request sent once more. */
  private async send(method: string, path: string, options: RequestOptions, authenticated: boolean, timed: boolean): Promise<Response> {
    const attempt = async () => {
      // Argo CD's gateway answers 415 to any request without this, bodiless DELETEs included.
      const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
      if (authenticated) headers.Authorization = `Bearer ${await this.currentToken()}`;
      const url = `${this.baseUrl}${path}${options.query ? `?${new URLSearchParams(options.query).toString()}` : ''}`;
      const signals = [options.signal, timed ? timeoutSignal(this.settings.requestTimeoutMs ?? 30_000) : undefined].filter(
        (s) => s !== undefined,
      );
      try {
        return await fetch(url, {
          method,
          headers,
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
          ...(signals.length ? { signal: AbortSignal.any(signals) } : {}),
        });
      } catch (err) {
        if (options.signal?.aborted) throw options.signal.reason;
        throw unreachable(this.baseUrl, err);
      }
    };
    let response = await attempt();
    if (response.status === 401 && authenticated) {
      await response.body?.cancel();
      this.token = undefined;
      response = await attempt();
    }
    if (!response.ok) throw new ArgoCdApiError(method, path, response.status, await errorMessage(response));
    return response;
  }

  private async currentToken(): Promise<string> {
    if (this.token) return this.token;
    const credentials = this.settings.credentials;
    if ('tokenFile' in credentials) {
      this.token = (await readFile(credentials.tokenFile, 'utf8')).trim();
    } else {
      const password = (await readFile(credentials.passwordFile, 'utf8')).trim();
      const session = await this.call(
        'POST',
        '/api/v1/session',
        sessionSchema,
        { body: { username: credentials.username, password } },
        false,
      );
      this.token = session.token;
    }
    return this.token;
  }
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = apiErrorSchema.parse(JSON.parse(text));
    return body.message ?? body.error ?? text;
  } catch {
    return text.trim() || response.statusText;
  }
}
