# shellcheck shell=bash
# Step: describe the fleet in $STATE/sandbox.json (the input for generating the Pulumi stack
# config and the tests) and print a short summary.

# worker_xingrin_password N: the SSH password the sandbox stack gives XingRin for worker N
# (its workerPasswords), made once per worker host.
worker_xingrin_password() {
  local f
  f=$(worker_dir "$1")/xingrin-password
  [ -s "$f" ] || { head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$f"; chmod 600 "$f"; }
  cat "$f"
}

write_fleet_json() {
  local n workers='[]' w tags_json services_json
  for n in $(seq 1 "$WORKER_COUNT"); do
    w=$(jq -n \
      --arg name "$(worker_name "$n")" \
      --arg address "$(worker_addr "$n")" \
      --argjson port "$(cat "$(worker_dir "$n")/ssh.port")" \
      --arg hostKey "$(cut -d' ' -f1,2 "$(worker_dir "$n")/ssh_host_ed25519_key.pub")" \
      --arg dockerHost "unix://$(worker_sock "$n")" \
      --arg dataRoot "$(worker_dir "$n")/data" \
      --arg bridge "$(worker_bridge "$n")" \
      --arg gw "$(worker_bridge_cidr "$n" | cut -d/ -f1)" \
      --arg password "$(worker_xingrin_password "$n")" \
      --arg optXingrin "$(host_opt_xingrin "$(worker_dir "$n")")" \
      '{name:$name, address:$address, port:$port, user:"root", hostKey:$hostKey,
        dockerHost:$dockerHost, dataRoot:$dataRoot, bridge:$bridge, hostAddressFromContainers:$gw,
        xingrinPassword:$password, optXingrinDir:$optXingrin}')
    workers=$(jq -c --argjson w "$w" '. + [$w]' <<<"$workers")
  done
  # Manifest digest of every pushed tag (from the image stamps), so a test can also recognise
  # pulls by digest in the access log: docker 20.10 pulls a tag as HEAD manifests/<tag> and
  # then GET manifests/<digest>.
  local digests='{}' f
  for f in "$IMAGE_WORK"/*/*.stamp; do   # each: "<input hash> <digest> <ref>"
    [ -f "$f" ] || continue
    digests=$(jq -c --arg k "$(cut -d' ' -f3 "$f")" --arg v "$(cut -d' ' -f2 "$f")" '. + {($k): $v}' <<<"$digests")
  done
  tags_json=$(printf '%s\n' "${TAGS[@]}" | jq -R . | jq -cs .)
  services_json=$(printf '%s\n' "${SERVICES[@]}" | jq -R . | jq -cs .)
  jq -n \
    --arg dockerHost "$MAIN_DOCKER_HOST" \
    --arg registry "$REGISTRY_ADDR" \
    --arg namespace "$NAMESPACE" \
    --arg redisImage "$REGISTRY_ADDR/$REDIS_REPO:$REDIS_TAG" \
    --argjson tags "$tags_json" \
    --argjson services "$services_json" \
    --arg registryLog "$REGISTRY_LOG" \
    --arg key "$SSH_KEY" \
    --arg knownHosts "$KNOWN_HOSTS" \
    --arg sshConfig "$SSH_DIR/config" \
    --arg stateDir "$STATE" \
    --arg tlsDir "$SANDBOX_DATA_DIR/ssl" \
    --arg mainOptXingrin "$(host_opt_xingrin "$MAIN_DIR")" \
    --arg pulumiState "$PULUMI_STATE_DIR" \
    --arg publicHost "$SANDBOX_PUBLIC_HOST" \
    --argjson workers "$workers" \
    --argjson digests "$digests" \
    '{dockerHost:$dockerHost, registry:$registry, namespace:$namespace,
      imagePrefix:($registry + "/" + $namespace), services:$services, redisImage:$redisImage,
      tags:$tags, imageDigests:$digests, registryLog:$registryLog, sshPrivateKeyFile:$key, sshKnownHostsFile:$knownHosts,
      sshConfigFile:$sshConfig, stateDir:$stateDir, pulumiStateDir:$pulumiState,
      dataDir:"/opt/xingrin", mainOptXingrinDir:$mainOptXingrin, tlsCertDir:$tlsDir, tlsCaFile:($tlsDir + "/fullchain.pem"),
      bindAddress:$publicHost, publicHost:$publicHost, publicScheme:"https",
      workers:$workers}' >"$FLEET_JSON.tmp"
  mv "$FLEET_JSON.tmp" "$FLEET_JSON"
}

print_summary() {
  local n
  cat >&2 <<TXT

XingRin sandbox fleet is up ($FLEET_JSON)
  main docker:  $MAIN_DOCKER_HOST (the sandbox's own daemon)
  data dir:     /opt/xingrin of each host: $(host_opt_xingrin "$MAIN_DIR") on the main server,
                $(host_opt_xingrin "$(worker_dir 1)") on worker-1, ... (own mount namespaces)
  registry:     http://$REGISTRY_ADDR  access log $REGISTRY_LOG
  images:       $REGISTRY_ADDR/$NAMESPACE/xingrin-{$(IFS=,; echo "${SERVICES[*]}")}:{$(IFS=,; echo "${TAGS[*]}")}
                $REGISTRY_ADDR/$REDIS_REPO:$REDIS_TAG
  ssh key:      $SSH_KEY  (known_hosts $KNOWN_HOSTS)
TXT
  for n in $(seq 1 "$WORKER_COUNT"); do
    printf '  %-13s root@%s:%s  DOCKER_HOST=unix://%s\n' "$(worker_name "$n"):" \
      "$(worker_addr "$n")" "$(cat "$(worker_dir "$n")/ssh.port")" "$(worker_sock "$n")" >&2
  done
  echo "  try:          ssh -F $SSH_DIR/config worker-1 docker info" >&2
}
