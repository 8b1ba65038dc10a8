{{/* The object name: the chart's name, so it stays the same whatever the release is called. */}}
{{- define "shop-common.name" -}}
{{- .Chart.Name -}}
{{- end -}}

{{/* What selectors match on: stable across chart versions. */}}
{{- define "shop-common.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shop-common.name" . }}
{{- end -}}

{{- define "shop-common.labels" -}}
{{ include "shop-common.selectorLabels" . }}
app.kubernetes.io/part-of: shop
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
