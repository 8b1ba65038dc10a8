import { KubeConfig, KubernetesObjectApi, type V1APIResource, type V1APIResourceList } from '@kubernetes/client-node';
import { HttpMethod } from '@kubernetes/client-node';

/** Where the cluster zone's worker finds one cluster's credentials; fixed per worker. */
export interface ClusterSettings {
  /** The kubeconfig the worker starts with, and keeps for phase 0; KUBECONFIG (or ~/.kube/config) when absent. */
  kubeconfig?: string;
  /** Where rotation writes the automation ServiceAccount's kubeconfig; used instead of kubeconfig once it exists. */
  automationKubeconfig?: string;
  /** The most one API request may take. */
  requestTimeoutMs?: number;
}

/** The cluster zone's clusters: the hub (in-cluster) as the top-level settings, the others by their Argo CD name. */
export interface ClusterZoneSettings extends ClusterSettings {
  clusters?: Record<string, ClusterSettings>;
}

export function loadKubeConfig(path?: string): KubeConfig {
  const config = new KubeConfig();
  if (path) config.loadFromFile(path);
  else config.loadFromDefault();
  return config;
}

/**
 * The generic object API plus the discovery it already does for each request:
 * which resources an API version serves, their plural names and whether they are namespaced.
 */
export class ResourceApi extends KubernetesObjectApi {
  /** The resource a kind maps to in an API version; undefined when the server does not serve it. */
  resourceFor(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }

  /** Every resource (not subresource) an API version serves. */
  async resourcesIn(apiVersion: string): Promise<V1APIResource[]> {
    const request = this.configuration.baseServer.makeRequestContext(this.apiVersionPath(apiVersion), HttpMethod.GET);
    request.setHeaderParam('Accept', 'application/json');
    const list = await this.requestPromise<V1APIResourceList & { apiVersion: string; kind: string }>(request, 'V1APIResourceList');
    return list.resources.filter((resource) => !resource.name.includes('/'));
  }

  /** The URL path of an object's collection (namespaced when the object is). */
  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const resource = await this.resourceFor(apiVersion, kind);
    if (!resource) throw new Error(`the server does not serve ${kind} in ${apiVersion}`);
    const namespaced = resource.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${this.apiVersionPath(apiVersion)}${namespaced}/${resource.name}`;
  }
}

/** One cluster's API clients, made from one kubeconfig. */
export class ClusterClient {
  readonly kubeConfig: KubeConfig;
  readonly objects: ResourceApi;
  readonly requestTimeoutMs: number;

  constructor(settings: ClusterSettings = {}) {
    this.kubeConfig = loadKubeConfig(settings.kubeconfig);
    this.objects = this.kubeConfig.makeApiClient(ResourceApi);
    this.requestTimeoutMs = settings.requestTimeoutMs ?? 30_000;
  }

  /** The API server's URL from the current context. */
  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? '(no cluster in the kubeconfig)';
  }
}
