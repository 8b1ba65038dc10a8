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


def baton_scope(documents, scope):
    """The documents of one install step: 'crds', 'cluster' (other cluster-scoped kinds) or 'namespaced'."""
    def scope_of(document):
        kind = document.get("kind")
        if kind == "CustomResourceDefinition":
            return "crds"
        return "cluster" if kind in CLUSTER_KINDS else "namespaced"
    return [document for document in documents if scope_of(document) == scope]


def baton_token_names(secrets, service_account):
    """Names of the token Secrets (k8s_info resources) issued for the ServiceAccount."""
    return [
        secret["metadata"]["name"]
        for secret in secrets
        if (secret["metadata"].get("annotations") or {}).get("kubernetes.io/service-account.name") == service_account
    ]


class FilterModule:
    def filters(self):
        return {"baton_labelled": baton_labelled, "baton_scope": baton_scope, "baton_token_names": baton_token_names}
