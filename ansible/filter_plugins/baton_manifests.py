"""Filters shared by the roles: label manifests as Baton's and group upstream manifests by scope."""

import copy

CLUSTER_KINDS = {"ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "Namespace"}


def baton_labelled(documents, labels):
    """Copies of the (non-empty) documents with Baton's labels added, so teardown and the orphan check find them."""
    labelled = []
    for document in documents:
        if not document:
            continue
        document = copy.deepcopy(document)
        document.setdefault("metadata", {}).setdefault("labels", {}).update(labels)
        labelled.append(document)
    return labelled


def baton_scope(documents, scope, namespace):
    """The documents of one install step: 'crds', or 'resources' (the other cluster-scoped kinds, then the
    namespaced ones placed in the namespace), so one module run applies or removes each step."""
    if scope == "crds":
        return [document for document in documents if document.get("kind") == "CustomResourceDefinition"]
    cluster = [document for document in documents if document.get("kind") in CLUSTER_KINDS - {"CustomResourceDefinition"}]
    namespaced = []
    for document in documents:
        if document.get("kind") not in CLUSTER_KINDS:
            document = copy.deepcopy(document)
            document.setdefault("metadata", {}).setdefault("namespace", namespace)
            namespaced.append(document)
    return cluster + namespaced


def baton_crd_identities(names):
    """CustomResourceDefinitions by name alone, for removing them without their files."""
    return [{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": name}} for name in names]


def baton_token_names(secrets, service_account):
    """Names of the token Secrets (k8s_info resources) issued for the ServiceAccount."""
    return [
        secret["metadata"]["name"]
        for secret in secrets
        if (secret["metadata"].get("annotations") or {}).get("kubernetes.io/service-account.name") == service_account
    ]


def baton_without_data(document):
    """The document's identity alone: applied with a field manager, it gives up every field that manager held."""
    metadata = document.get("metadata", {})
    identity = {key: metadata[key] for key in ("name", "namespace") if key in metadata}
    return {"apiVersion": document["apiVersion"], "kind": document["kind"], "metadata": identity}


def baton_kubeconfig_cluster(kubeconfig):
    """The cluster (server, CA) of a parsed kubeconfig's current context; {} when it names none."""
    context_name = kubeconfig.get("current-context") or ""
    context = next((c.get("context") or {} for c in kubeconfig.get("contexts") or [] if c.get("name") == context_name), {})
    return next((c.get("cluster") or {} for c in kubeconfig.get("clusters") or [] if c.get("name") == context.get("cluster")), {})


class FilterModule:
    def filters(self):
        return {
            "baton_labelled": baton_labelled,
            "baton_scope": baton_scope,
            "baton_crd_identities": baton_crd_identities,
            "baton_token_names": baton_token_names,
            "baton_without_data": baton_without_data,
            "baton_kubeconfig_cluster": baton_kubeconfig_cluster,
        }
