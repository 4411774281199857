import type { Principal } from '../auth/jwt-auth.js';
import { vcenterCredentials } from '../config/app-config.js';
import { ErrorCode, FfoError } from '../errors/index.js';
import { VmOperations } from '../providers/vsphere/vm-operations.js';
import { withVimSession } from '../providers/vsphere/vim-session.js';
import type { McpDependencies } from './mcp-dependencies.js';
import { VCENTER_BY_ID, VM_SOURCE } from './twin-documents.js';
import { queryTwin } from './twin-graphql.js';

/** A VM as the live tools need it: its moid and the configured name of its vCenter (from the twin). */
export interface LiveVmRef {
  id: string;
  name: string;
  moid: string;
  vcenter: string;
}

/** Resolves a VM ref (id or unique name) through the twin to where it lives. */
export async function liveVmRef(
  deps: McpDependencies,
  principal: Principal,
  ref: string,
): Promise<LiveVmRef> {
  const [id] = await deps.runtime.planning.vmIds([ref]);
  const { vms } = await queryTwin<{ vms: { id: string; name: string; moid: string; vcenterId: string }[] }>(
    deps,
    principal,
    VM_SOURCE,
    { id },
  );
  const vm = vms[0];
  if (!vm) throw new FfoError(ErrorCode.NOT_FOUND, `unknown VM "${ref}"`);
  const { vCenters } = await queryTwin<{ vCenters: { name: string }[] }>(deps, principal, VCENTER_BY_ID, {
    id: vm.vcenterId,
  });
  const vcenter = vCenters[0]?.name;
  if (!vcenter) throw new FfoError(ErrorCode.NOT_FOUND, `the vCenter of ${vm.name} is not in the twin`);
  return { id: vm.id, name: vm.name, moid: vm.moid, vcenter };
}

/** One vim25 session for one tool call against the named vCenter. */
export async function withVmOperations<T>(
  deps: McpDependencies,
  vcenter: string,
  work: (ops: VmOperations) => Promise<T>,
): Promise<T> {
  const { endpoint, password, ca } = vcenterCredentials(deps.runtime.config, vcenter);
  return withVimSession(
    { url: endpoint.url, username: endpoint.username, password, ca, insecure: endpoint.insecure },
    (client) => work(new VmOperations(client)),
  );
}
