{{/* The chart's name: app.kubernetes.io/name of every object. */}}
{{- define "billet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The objects' name: the release name, with the chart's name added unless it holds it. */}}
{{- define "billet.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels that select billet's pods (Deployment, Service, PodDisruptionBudget, anti-affinity). */}}
{{- define "billet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "billet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "billet.labels" -}}
{{ include "billet.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "billet.serviceAccountName" -}}
{{- default (include "billet.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{/* The Secret holding the serving certificate. */}}
{{- define "billet.tlsSecretName" -}}
{{- if eq .Values.certificates.mode "secret" }}
{{- required "certificates.secret.name is required with certificates.mode=secret" .Values.certificates.secret.name }}
{{- else }}
{{- printf "%s-tls" (include "billet.fullname" .) }}
{{- end }}
{{- end }}

{{/* The ConfigMap holding the policies. */}}
{{- define "billet.policiesConfigMap" -}}
{{- default (printf "%s-policies" (include "billet.fullname" .)) .Values.policies.existingConfigMap }}
{{- end }}

{{/* The Service's DNS names, as the API server calls the webhook and the certificate names it. */}}
{{- define "billet.dnsNames" -}}
{{- $svc := include "billet.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) | toJson }}
{{- end }}

{{/* The webhooks' rules: every kind billet handles, and the user's. Called with
     (dict "root" $ "mutate" bool): only the validating webhook gets the subresources
     pods/ephemeralcontainers, deployments/scale and statefulsets/scale. */}}
{{- define "billet.webhookRules" -}}
- {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods, replicationcontrollers], scope: Namespaced}
{{- if not .mutate }}
- {apiGroups: [""], apiVersions: [v1], operations: [UPDATE], resources: [pods/ephemeralcontainers], scope: Namespaced}
{{- end }}
- {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments, replicasets, statefulsets, daemonsets], scope: Namespaced}
{{- if not .mutate }}
- {apiGroups: [apps], apiVersions: [v1], operations: [UPDATE], resources: [deployments/scale, statefulsets/scale], scope: Namespaced}
{{- end }}
- {apiGroups: [batch], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [jobs, cronjobs], scope: Namespaced}
- {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [nodes], scope: Cluster}
- {apiGroups: [monitoring.coreos.com], apiVersions: [v1, v1alpha1], operations: [CREATE, UPDATE], resources: [prometheuses, prometheusagents], scope: Namespaced}
- {apiGroups: [argoproj.io], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [workflows, workflowtemplates, cronworkflows], scope: Namespaced}
- {apiGroups: [argoproj.io], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [clusterworkflowtemplates], scope: Cluster}
- {apiGroups: [ray.io], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [rayclusters, rayjobs, rayservices], scope: Namespaced}
- {apiGroups: [jobset.x-k8s.io], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [jobsets], scope: Namespaced}
- {apiGroups: [leaderworkerset.x-k8s.io], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [leaderworkersets], scope: Namespaced}
- {apiGroups: [kubeflow.org], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [pytorchjobs, mpijobs], scope: Namespaced}
- {apiGroups: [trainer.kubeflow.org], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [trainjobs, trainingruntimes], scope: Namespaced}
- {apiGroups: [trainer.kubeflow.org], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [clustertrainingruntimes], scope: Cluster}
- {apiGroups: [serving.kserve.io], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [inferenceservices], scope: Namespaced}
- {apiGroups: [batch.volcano.sh], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [jobs], scope: Namespaced}
{{- with .root.Values.webhooks.extraRules }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Namespaces never sent to the webhooks: the release's own first, then the configured ones. */}}
{{- define "billet.namespaceSelector" -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values: {{ prepend .Values.webhooks.excludeNamespaces .Release.Namespace | uniq | toJson }}
{{- end }}
