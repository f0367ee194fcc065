#!/usr/bin/env bash
# Writes a cluster dump to stdout as `kubectl get deploy,pods -A -o yaml` prints one: a single
# `kind: List` of COUNT objects, Deployments and the Pods of their ReplicaSets alternating, with
# managedFields and status (about 150 nodes per object). Every tenth workload asks for a GPU, so
# the bundled pack has something to change. No alias anywhere, as in kubectl's output.
#
#   gen_cluster_dump.sh 50000 > dump.yaml
set -euo pipefail
count=${1:?usage: gen_cluster_dump.sh COUNT}
awk -v count="$count" '
function managed(kind, mgr, sub_) {
  print "    - apiVersion: " (kind == "Pod" ? "v1" : "apps/v1")
  print "      fieldsType: FieldsV1"
  print "      fieldsV1:"
  if (sub_ == "") {
    print "        f:metadata:"
    print "          f:labels:"
    print "            .: {}"
    print "            f:app: {}"
    print "        f:spec:"
    print "          f:template:"
    print "            f:spec:"
    print "              f:containers:"
    print "                k:{\"name\":\"app\"}:"
    print "                  .: {}"
    print "                  f:image: {}"
    print "                  f:resources: {}"
  } else {
    print "        f:status:"
    print "          f:conditions: {}"
    print "          f:observedGeneration: {}"
  }
  print "      manager: " mgr
  print "      operation: Update"
  if (sub_ != "") print "      subresource: " sub_
  print "      time: \"2026-11-30T08:15:42Z\""
}
# One container as kubectl prints it (defaults filled in), at `indent`, with GPU limits if `gpu`.
function container(indent, gpu,   p) {
  p = indent
  print p "- image: registry.example/team/app:1.4." (i % 97)
  print p "  imagePullPolicy: IfNotPresent"
  print p "  name: app"
  print p "  ports:"
  print p "  - containerPort: 8080"
  print p "    name: http"
  print p "    protocol: TCP"
  print p "  readinessProbe:"
  print p "    failureThreshold: 3"
  print p "    httpGet:"
  print p "      path: /healthz"
  print p "      port: http"
  print p "      scheme: HTTP"
  print p "    periodSeconds: 10"
  print p "    successThreshold: 1"
  print p "    timeoutSeconds: 1"
  print p "  resources:"
  print p "    limits:"
  print p "      cpu: 500m"
  print p "      memory: 256Mi"
  if (gpu) print p "      nvidia.com/gpu: \"1\""
  print p "    requests:"
  print p "      cpu: 250m"
  print p "      memory: 128Mi"
  print p "  terminationMessagePath: /dev/termination-log"
  print p "  terminationMessagePolicy: File"
}
function deployment(n, ns, gpu) {
  print "- apiVersion: apps/v1"
  print "  kind: Deployment"
  print "  metadata:"
  print "    annotations:"
  print "      deployment.kubernetes.io/revision: \"3\""
  print "    creationTimestamp: \"2026-11-02T10:00:00Z\""
  print "    generation: 3"
  print "    labels:"
  print "      app: app-" n
  print "    managedFields:"
  managed("Deployment", "kubectl-client-side-apply", "")
  managed("Deployment", "kube-controller-manager", "status")
  print "    name: app-" n
  print "    namespace: " ns
  print "    resourceVersion: \"" (100000 + n) "\""
  print "    uid: 6f1c" sprintf("%04x", n % 65536) "-0000-4000-8000-" sprintf("%012d", n)
  print "  spec:"
  print "    progressDeadlineSeconds: 600"
  print "    replicas: " (n % 3 + 1)
  print "    revisionHistoryLimit: 10"
  print "    selector:"
  print "      matchLabels:"
  print "        app: app-" n
  print "    strategy:"
  print "      rollingUpdate:"
  print "        maxSurge: 25%"
  print "        maxUnavailable: 25%"
  print "      type: RollingUpdate"
  print "    template:"
  print "      metadata:"
  print "        creationTimestamp: null"
  print "        labels:"
  print "          app: app-" n
  print "      spec:"
  print "        containers:"
  container("        ", gpu)
  print "        dnsPolicy: ClusterFirst"
  print "        restartPolicy: Always"
  print "        schedulerName: default-scheduler"
  print "        securityContext: {}"
  print "        terminationGracePeriodSeconds: 30"
  print "  status:"
  print "    availableReplicas: " (n % 3 + 1)
  print "    conditions:"
  print "    - lastTransitionTime: \"2026-11-02T10:00:05Z\""
  print "      lastUpdateTime: \"2026-11-02T10:00:05Z\""
  print "      message: Deployment has minimum availability."
  print "      reason: MinimumReplicasAvailable"
  print "      status: \"True\""
  print "      type: Available"
  print "    - lastTransitionTime: \"2026-11-02T10:00:00Z\""
  print "      lastUpdateTime: \"2026-11-30T08:15:42Z\""
  print "      message: ReplicaSet \"app-" n "-7d4b9c\" has successfully progressed."
  print "      reason: NewReplicaSetAvailable"
  print "      status: \"True\""
  print "      type: Progressing"
  print "    observedGeneration: 3"
  print "    readyReplicas: " (n % 3 + 1)
  print "    replicas: " (n % 3 + 1)
  print "    updatedReplicas: " (n % 3 + 1)
}
function pod(n, ns, gpu) {
  print "- apiVersion: v1"
  print "  kind: Pod"
  print "  metadata:"
  print "    creationTimestamp: \"2026-11-30T08:15:43Z\""
  print "    generateName: app-" n "-7d4b9c-"
  print "    labels:"
  print "      app: app-" n
  print "      pod-template-hash: 7d4b9c"
  print "    managedFields:"
  managed("Pod", "kube-controller-manager", "")
  managed("Pod", "kubelet", "status")
  print "    name: app-" n "-7d4b9c-x" sprintf("%04d", n % 10000)
  print "    namespace: " ns
  print "    ownerReferences:"
  print "    - apiVersion: apps/v1"
  print "      blockOwnerDeletion: true"
  print "      controller: true"
  print "      kind: ReplicaSet"
  print "      name: app-" n "-7d4b9c"
  print "      uid: 9a2e" sprintf("%04x", n % 65536) "-0000-4000-8000-" sprintf("%012d", n)
  print "    resourceVersion: \"" (200000 + n) "\""
  print "    uid: 3c7d" sprintf("%04x", n % 65536) "-0000-4000-8000-" sprintf("%012d", n)
  print "  spec:"
  print "    containers:"
  container("    ", gpu)
  print "      volumeMounts:"
  print "      - mountPath: /var/run/secrets/kubernetes.io/serviceaccount"
  print "        name: kube-api-access-" n % 1000
  print "        readOnly: true"
  print "    dnsPolicy: ClusterFirst"
  print "    enableServiceLinks: true"
  print "    nodeName: node-" (n % 200)
  print "    preemptionPolicy: PreemptLowerPriority"
  print "    priority: 0"
  print "    restartPolicy: Always"
  print "    schedulerName: default-scheduler"
  print "    securityContext: {}"
  print "    serviceAccount: default"
  print "    serviceAccountName: default"
  print "    terminationGracePeriodSeconds: 30"
  print "    tolerations:"
  print "    - effect: NoExecute"
  print "      key: node.kubernetes.io/not-ready"
  print "      operator: Exists"
  print "      tolerationSeconds: 300"
  print "    volumes:"
  print "    - name: kube-api-access-" n % 1000
  print "      projected:"
  print "        defaultMode: 420"
  print "        sources:"
  print "        - serviceAccountToken:"
  print "            expirationSeconds: 3607"
  print "            path: token"
  print "  status:"
  print "    conditions:"
  print "    - lastProbeTime: null"
  print "      lastTransitionTime: \"2026-11-30T08:15:45Z\""
  print "      status: \"True\""
  print "      type: Ready"
  print "    containerStatuses:"
  print "    - containerID: containerd://" sprintf("%064d", n)
  print "      image: registry.example/team/app:1.4." (i % 97)
  print "      imageID: registry.example/team/app@sha256:" sprintf("%064d", i % 97)
  print "      lastState: {}"
  print "      name: app"
  print "      ready: true"
  print "      restartCount: 0"
  print "      started: true"
  print "      state:"
  print "        running:"
  print "          startedAt: \"2026-11-30T08:15:44Z\""
  print "    hostIP: 10.0.0." (n % 200 + 1)
  print "    phase: Running"
  print "    podIP: 10.244." int(n / 250) % 256 "." (n % 250 + 2)
  print "    qosClass: Burstable"
  print "    startTime: \"2026-11-30T08:15:43Z\""
}
BEGIN {
  print "apiVersion: v1"
  print "items:"
  for (i = 0; i < count; i++) {
    n = int(i / 2)
    ns = "team-" (n % 400)
    gpu = (n % 10 == 0)
    if (i % 2 == 0) deployment(n, ns, gpu); else pod(n, ns, gpu)
  }
  print "kind: List"
  print "metadata:"
  print "  resourceVersion: \"\""
}'
