-- One "Open vSwitch agent" on the compute host, alive until 2099, although no agent process runs:
-- without it the openvswitch mechanism driver binds no port and nova fails with PortBindingFailed.
DELETE FROM agents WHERE host = '@HOST@' AND agent_type = 'Open vSwitch agent';
INSERT INTO agents (id, agent_type, `binary`, topic, host, admin_state_up, created_at, started_at,
  heartbeat_timestamp, description, configurations, `load`, availability_zone, resource_versions, resources_synced)
VALUES (UUID(), 'Open vSwitch agent', 'neutron-openvswitch-agent', 'N/A', '@HOST@', 1, UTC_TIMESTAMP(), UTC_TIMESTAMP(),
  '2099-01-01 00:00:00', 'placeholder: no agent process runs (FFO Twin lab)',
  '{"bridge_mappings": {"physnet1": "br-ex"}, "tunnel_types": ["vxlan"], "tunneling_ip": "127.0.0.1", "integration_bridge": "br-int", "datapath_type": "system", "ovs_hybrid_plug": false, "l2_population": false, "ovs_capabilities": {"datapath_types": ["system"], "iface_types": ["internal", "vxlan"]}}',
  0, 'nova', NULL, 1);
