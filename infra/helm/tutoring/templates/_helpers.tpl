{{/*
Helpers. Per-service templates receive a context dict: (dict "root" $ "name" <service name> "svc" <service values>).
*/}}

{{- define "tutoring.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tutoring.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's objects (Deployment, Service, ConfigMap, PDB). */}}
{{- define "tutoring.componentName" -}}
{{- printf "%s-%s" (include "tutoring.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tutoring.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tutoring.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "tutoring.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{ include "tutoring.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: tutoring
{{- end -}}

{{- define "tutoring.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tutoring.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Image reference; services.<name>.image may override repository and/or tag. */}}
{{- define "tutoring.image" -}}
{{- $image := mergeOverwrite (deepCopy .root.Values.image) (default (dict) .svc.image) -}}
{{- printf "%s:%s" $image.repository (default .root.Chart.AppVersion $image.tag | toString) -}}
{{- end -}}

{{- define "tutoring.schema" -}}
{{- default (.name | replace "-" "_") .svc.databaseSchema -}}
{{- end -}}

{{/*
Non-secret environment of one service (the ConfigMap's data). Also hashed into a pod annotation, so a config change
rolls that service's pods and only that service's.
*/}}
{{- define "tutoring.configData" -}}
{{- $values := .root.Values -}}
{{- $config := $values.config -}}
SERVICE: {{ .name | quote }}
PORT: {{ .svc.port | toString | quote }}
HOST: "0.0.0.0"
DATABASE_SCHEMA: {{ include "tutoring.schema" . | quote }}
DATABASE_SSL: {{ $config.database.ssl | quote }}
KAFKA_BROKERS: {{ required "config.kafka.brokers is required (the district's bootstrap servers)" $config.kafka.brokers | quote }}
KAFKA_CLIENT_ID: {{ default (printf "tutoring-%s" .name) .svc.kafkaClientId | quote }}
KAFKA_SSL: {{ $config.kafka.ssl | toString | quote }}
{{- if $config.kafka.saslMechanism }}
KAFKA_SASL_MECHANISM: {{ $config.kafka.saslMechanism | quote }}
KAFKA_SASL_USERNAME: {{ required (printf "services.%s.kafkaSaslUsername is required when config.kafka.saslMechanism is set" .name) .svc.kafkaSaslUsername | quote }}
{{- end }}
OIDC_ISSUER: {{ required "config.oidc.issuer is required" $config.oidc.issuer | quote }}
OIDC_AUDIENCE: {{ required "config.oidc.audience is required" $config.oidc.audience | quote }}
OIDC_JWKS_URL: {{ required "config.oidc.jwksUrl is required" $config.oidc.jwksUrl | quote }}
OIDC_ALGORITHMS: {{ $config.oidc.algorithms | quote }}
LOG_LEVEL: {{ default $config.logLevel .svc.logLevel | quote }}
{{- if $config.otel.exporterOtlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ $config.otel.exporterOtlpEndpoint | quote }}
{{- end }}
OTEL_SERVICE_NAME: {{ .name | quote }}
SHUTDOWN_GRACE_MS: {{ $config.shutdownGraceMs | int64 | toString | quote }}
{{- $nodeOptions := default $config.nodeOptions .svc.nodeOptions }}
{{- if $nodeOptions }}
NODE_OPTIONS: {{ $nodeOptions | quote }}
{{- end }}
{{- if eq .name "notifications" }}
{{- $n := $values.notifications }}
SMTP_HOST: {{ $n.smtp.host | quote }}
SMTP_PORT: {{ $n.smtp.port | int64 | toString | quote }}
SMTP_SECURE: {{ $n.smtp.secure | toString | quote }}
SMTP_USER: {{ $n.smtp.user | quote }}
SMTP_FROM: {{ $n.smtp.from | quote }}
NOTIFICATIONS_MESSAGE_ID_DOMAIN: {{ $n.messageIdDomain | quote }}
NOTIFICATIONS_SMS_PROVIDER: {{ $n.smsProvider | quote }}
NOTIFICATIONS_SWEEP_INTERVAL_MS: {{ $n.sweepIntervalMs | int64 | toString | quote }}
NOTIFICATIONS_DISPATCH_INTERVAL_MS: {{ $n.dispatchIntervalMs | int64 | toString | quote }}
NOTIFICATIONS_DISPATCH_ENABLED: {{ $n.dispatchEnabled | toString | quote }}
NOTIFICATIONS_SEND_LEASE_MS: {{ $n.sendLeaseMs | int64 | toString | quote }}
NOTIFICATIONS_MAX_ATTEMPTS: {{ $n.maxAttempts | int64 | toString | quote }}
NOTIFICATIONS_BACKOFF_BASE_MS: {{ $n.backoffBaseMs | int64 | toString | quote }}
{{- end }}
{{- if eq .name "session-ledger" }}
{{- $w := $values.sessionLedger.dosageWarnings }}
{{- $i := $values.sessionLedger.ingest }}
PROJECTION_BATCH_SIZE: {{ $values.sessionLedger.projectionBatchSize | int64 | toString | quote }}
INGEST_PARTITIONS_CONCURRENTLY: {{ $i.partitionsConcurrently | int64 | toString | quote }}
INGEST_FETCH_MAX_BYTES_PER_PARTITION: {{ $i.fetchMaxBytesPerPartition | int64 | toString | quote }}
INGEST_FETCH_MAX_BYTES: {{ $i.fetchMaxBytes | int64 | toString | quote }}
DOSAGE_WARNINGS_ENABLED: {{ $w.enabled | toString | quote }}
DOSAGE_WEEK_GRACE_HOURS: {{ $w.weekGraceHours | int64 | toString | quote }}
DOSAGE_CATCHUP_WEEKS: {{ $w.catchupWeeks | int64 | toString | quote }}
DOSAGE_WARNINGS_INTERVAL_MS: {{ $w.intervalMs | int64 | toString | quote }}
{{- end }}
{{- if eq .name "scheduling" }}
SCHEDULING_PLANNING_INTERVAL_MS: {{ $values.scheduling.planningIntervalMs | int64 | toString | quote }}
{{- end }}
{{- range $key, $value := .svc.extraEnv }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}
