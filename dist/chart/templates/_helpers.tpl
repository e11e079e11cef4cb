{{/*
The base name: "token-revocation", the prefix config/default gives every object.
*/}}
{{- define "tro.name" -}}
{{- default "token-revocation" .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/*
The full name every object's name starts with: the release name when it already holds the base
name (release "token-revocation" gets config/default's names), else <release>-<name>. It is kept
short enough for the longest suffix (-validating-webhook-configuration) to fit in 63 characters.
*/}}
{{- define "tro.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 28 | trimSuffix "-" -}}
{{- else if contains (include "tro.name" .) .Release.Name -}}
{{- .Release.Name | trunc 28 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "tro.name" .) | trunc 28 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
The labels of every object.
*/}}
{{- define "tro.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: token-revocation-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/*
The labels that select the manager's Pods (as config/default's, plus the release).
*/}}
{{- define "tro.selectorLabels" -}}
control-plane: controller-manager
app.kubernetes.io/name: token-revocation-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
The objects derived from config/ by `make chart` (files/generated.yaml).
*/}}
{{- define "tro.generated" -}}
{{- .Files.Get "files/generated.yaml" -}}
{{- end -}}

{{/*
Whether the manager issues and rotates the webhook certificate itself.
*/}}
{{- define "tro.builtinCerts" -}}
{{- if eq .Values.webhook.certificate.provider "builtin" }}true{{ end -}}
{{- end -}}

{{/*
The ServiceAccount the manager runs as, and every binding binds.
*/}}
{{- define "tro.serviceAccount" -}}
{{- include "tro.fullname" . }}-controller-manager
{{- end -}}
