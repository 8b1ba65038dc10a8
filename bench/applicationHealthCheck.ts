import { documentedApplicationHealth } from '../src/sandbox/argocd.js';

/**
 * The health check of Application objects that Argo CD's documentation gives for an app of apps ordered by sync
 * waves (operator-manual/health, "Argocd App"; the sandbox's argocd-cm holds it unguarded), preceded by the guard of argo-cd docs PR #29649: while the child's
 * status.sync.comparedTo does not match its spec (source and destination), the verdict Argo CD recorded belongs
 * to an older spec, so the child counts as Progressing instead of a stale Healthy (argo-cd#27917).
 */
export const guardedApplicationHealth = `local function same(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) ~= "table" then return a == b end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k, _ in pairs(b) do if a[k] == nil then return false end end
  return true
end
if obj.status ~= nil then
  local compared = obj.status.sync ~= nil and obj.status.sync.comparedTo or nil
  if compared == nil or not same(compared.source, obj.spec.source) or not same(compared.destination, obj.spec.destination) then
    return { status = "Progressing", message = "waiting for the child to compare its current spec" }
  end
end
${documentedApplicationHealth}`;

/** The argocd-cm key Argo CD reads it from. */
export const applicationHealthKey = 'resource.customizations.health.argoproj.io_Application';
