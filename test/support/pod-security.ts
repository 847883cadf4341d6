/**
 * The Kubernetes Pod Security Standards, "baseline" and "restricted" profiles (v1.25+ policy), as a
 * pure check of one pod spec: returns what a namespace labelled
 * pod-security.kubernetes.io/enforce=restricted would refuse, one line per violation.
 */

type Spec = Record<string, any>;

const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

export function restrictedViolations(pod: Spec): string[] {
  const problems: string[] = [];
  const podContext: Spec = pod.securityContext ?? {};
  const containers: Spec[] = [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];

  // Baseline
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[field] === true) problems.push(`pod: ${field} must not be true`);
  if (podContext.windowsOptions?.hostProcess === true) problems.push('pod: hostProcess must not be true');
  for (const sysctl of podContext.sysctls ?? [])
    if (!SAFE_SYSCTLS.has(sysctl.name)) problems.push(`pod: sysctl ${sysctl.name} is not in the safe set`);
  checkSeLinux('pod', podContext.seLinuxOptions, problems);
  checkAppArmor('pod', podContext.appArmorProfile, problems);
  for (const volume of pod.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (type === 'hostPath') problems.push(`volume ${volume.name}: hostPath is not allowed`);
    else if (!RESTRICTED_VOLUME_TYPES.has(type ?? '')) problems.push(`volume ${volume.name}: type ${type} is not allowed`);
  }

  // Restricted, pod level: runAsNonRoot and seccomp may be set for the pod or for every container.
  if (podContext.runAsUser === 0) problems.push('pod: runAsUser must not be 0');
  for (const container of containers) {
    const where = `container ${container.name}`;
    const context: Spec = container.securityContext ?? {};
    if (context.privileged === true) problems.push(`${where}: privileged must not be true`);
    if (context.windowsOptions?.hostProcess === true) problems.push(`${where}: hostProcess must not be true`);
    if (context.procMount !== undefined && context.procMount !== 'Default') problems.push(`${where}: procMount must be Default`);
    checkSeLinux(where, context.seLinuxOptions, problems);
    checkAppArmor(where, context.appArmorProfile, problems);
    for (const port of container.ports ?? []) if (port.hostPort) problems.push(`${where}: hostPort ${port.hostPort} is not allowed`);
    if (context.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation must be false`);
    if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot must be true`);
    if (context.runAsUser === 0) problems.push(`${where}: runAsUser must not be 0`);
    const seccomp = (context.seccompProfile ?? podContext.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${where}: seccompProfile.type must be RuntimeDefault or Localhost`);
    const capabilities: Spec = context.capabilities ?? {};
    if (!(capabilities.drop ?? []).includes('ALL')) problems.push(`${where}: capabilities.drop must include ALL`);
    for (const added of capabilities.add ?? []) if (added !== 'NET_BIND_SERVICE') problems.push(`${where}: capability ${added} must not be added`);
  }
  return problems;
}

function checkSeLinux(where: string, options: Spec | undefined, problems: string[]): void {
  if (!options) return;
  if (!SELINUX_TYPES.has(options.type ?? '')) problems.push(`${where}: seLinuxOptions.type ${options.type} is not allowed`);
  if (options.user || options.role) problems.push(`${where}: seLinuxOptions.user and .role must not be set`);
}

function checkAppArmor(where: string, profile: Spec | undefined, problems: string[]): void {
  if (profile?.type === 'Unconfined') problems.push(`${where}: appArmorProfile must not be Unconfined`);
}
