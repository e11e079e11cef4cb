-- Argo CD health check for security.esrevoke.io/TokenRevocation and ApiKeyRevocation.
-- Install as resource.customizations.health.security.esrevoke.io_TokenRevocation and
-- resource.customizations.health.security.esrevoke.io_ApiKeyRevocation in argocd-cm
-- (see README.md next to this file).
--
-- It reads the conditions the operator sets (kstatus conventions), not status.phase:
--   Stalled=True                          -> Degraded   (phase Failed: failed for good, never retried)
--   Reconciling=True, or Ready not True   -> Progressing (phase Pending or Revoking)
--   Ready=True                            -> Healthy    (phase Revoked)
--   no status yet, or observedGeneration behind metadata.generation -> Progressing
-- Argo CD runs custom checks with the base and table libraries only: no string library here.

local function findCondition(conditions, conditionType)
  for _, condition in ipairs(conditions) do
    if condition.type == conditionType then
      return condition
    end
  end
  return nil
end

local function messageOf(condition, fallback)
  if condition ~= nil and condition.message ~= nil and condition.message ~= "" then
    return condition.message
  end
  return fallback
end

hs = {}
if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to act on the revocation"
  return hs
end

local generation = obj.metadata.generation
local observedGeneration = obj.status.observedGeneration
if generation ~= nil and observedGeneration ~= nil and observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. generation ..
    " (status is from generation " .. observedGeneration .. ")"
  return hs
end

local conditions = obj.status.conditions
local ready = findCondition(conditions, "Ready")

local stalled = findCondition(conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = messageOf(stalled, messageOf(ready, "The revocation failed"))
  return hs
end

local reconciling = findCondition(conditions, "Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = messageOf(ready, messageOf(reconciling, "The revocation is in progress"))
  return hs
end

if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = messageOf(ready, "The tokens are revoked")
  return hs
end

hs.status = "Progressing"
hs.message = messageOf(ready, "Waiting for the operator to act on the revocation")
return hs
