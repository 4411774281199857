// vcsim-seed builds the FFO Twin lab "estate" in a running vcsim-cbt started with an empty inventory (-dc 0):
// two datacenters with clusters, hosts, a standalone host each, shared VMFS/NFS and local datastores, standard
// port groups with VLANs on vSwitch0, distributed switches with VLAN/trunk port groups, folders, resource pools and
// ~580 VMs whose hardware varies (guest OS, firmware, hardware version, SCSI controllers, disk provisioning, NIC
// types and networks, power state, CBT, snapshots, templates). A few VMs get real guest data: a sparse -flat.vmdk
// with blocks at known offsets and a monolithicFlat descriptor. A JSON manifest describes everything seeded.
//
// Deterministic: the plan is pure data plus an FNV hash of names (no randomness), device keys are fixed and the
// calls are sequential, so names, MOIDs, UUIDs and MACs come out the same on every run.
// Built by lab/vcsim/build.sh in GOPATH mode against govmomi 0.24.2; run by lab/vcsim/vcsim.sh seed.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"log"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

const seedVersion = 1

// ---------------------------------------------------------------------------------------------------------------
// The plan: pure data.

type pgPlan struct {
	Name  string `json:"name"`
	VLAN  int    `json:"vlan"`
	Trunk string `json:"trunk,omitempty"` // "1-4094" for trunk port groups (VLAN is then 0)
}

type dsPlan struct {
	Name       string   `json:"name"`
	Kind       string   `json:"type"` // vmfs | nfs | local (vcsim reports vmfs and local as type OTHER)
	Clusters   []string `json:"clusters,omitempty"`
	Standalone []string `json:"standaloneHosts,omitempty"`
	URL        string   `json:"url"` // local directory backing the datastore
	RemoteHost string   `json:"remoteHost,omitempty"`
	RemotePath string   `json:"remotePath,omitempty"`
}

type clusterPlan struct {
	Name  string   `json:"name"`
	Hosts []string `json:"hosts"`
	Pools []string `json:"resourcePools,omitempty"`
}

type dvsPlan struct {
	Name       string   `json:"name"`
	Clusters   []string `json:"clusters"`
	Portgroups []pgPlan `json:"portgroups"`
	Uplink     string   `json:"uplinkPortgroup,omitempty"`
}

type dcPlan struct {
	Name          string        `json:"name"`
	Clusters      []clusterPlan `json:"clusters"`
	Standalone    []string      `json:"standaloneHosts"`
	Datastores    []dsPlan      `json:"datastores"`
	DVS           []dvsPlan     `json:"distributedSwitches"`
	StdPortgroups []pgPlan      `json:"standardPortgroups"` // on vSwitch0 of every host of the datacenter
	Folders       []string      `json:"vmFolders"`
}

var estate = []dcPlan{
	{
		Name: "dc-paris",
		Clusters: []clusterPlan{
			{Name: "cl-par-prod-01", Hosts: hostNames("esx-par-", 1, 6), Pools: []string{"rp-gold", "rp-silver"}},
			{Name: "cl-par-prod-02", Hosts: hostNames("esx-par-", 7, 10), Pools: []string{"rp-dev", "rp-test"}},
			{Name: "cl-par-dmz", Hosts: hostNames("esx-par-dmz-", 1, 2)},
		},
		Standalone: []string{"esx-par-mgmt-01.corp.local"},
		Datastores: []dsPlan{
			{Name: "ds-par-prod-01", Kind: "vmfs", Clusters: []string{"cl-par-prod-01", "cl-par-prod-02"}},
			{Name: "ds-par-prod-02", Kind: "vmfs", Clusters: []string{"cl-par-prod-01", "cl-par-prod-02"}},
			{Name: "ds-par-prod-03", Kind: "vmfs", Clusters: []string{"cl-par-prod-01"}},
			{Name: "ds-par-dev-01", Kind: "vmfs", Clusters: []string{"cl-par-prod-02"}},
			{Name: "ds-par-dmz-01", Kind: "vmfs", Clusters: []string{"cl-par-dmz"}},
			{Name: "nfs-par-tier2", Kind: "nfs", Clusters: []string{"cl-par-prod-01", "cl-par-prod-02"}},
			{Name: "nfs-par-iso", Kind: "nfs", Clusters: []string{"cl-par-prod-01", "cl-par-prod-02", "cl-par-dmz"},
				Standalone: []string{"esx-par-mgmt-01.corp.local"}},
			{Name: "ds-par-mgmt-local", Kind: "local", Standalone: []string{"esx-par-mgmt-01.corp.local"}},
		},
		DVS: []dvsPlan{
			{Name: "dvs-par-prod", Clusters: []string{"cl-par-prod-01", "cl-par-prod-02"}, Portgroups: []pgPlan{
				{Name: "pg-mgmt", VLAN: 10}, {Name: "pg-app", VLAN: 100}, {Name: "pg-web", VLAN: 110},
				{Name: "pg-k8s", VLAN: 120}, {Name: "pg-db", VLAN: 200}, {Name: "pg-backup", VLAN: 300},
				{Name: "pg-trunk", Trunk: "1-4094"},
			}},
			{Name: "dvs-par-dmz", Clusters: []string{"cl-par-dmz"}, Portgroups: []pgPlan{
				{Name: "pg-dmz-web", VLAN: 500}, {Name: "pg-dmz-proxy", VLAN: 510},
			}},
		},
		StdPortgroups: []pgPlan{{Name: "VLAN20-Legacy", VLAN: 20}, {Name: "VLAN40-Test", VLAN: 40}, {Name: "VLAN60-Lab", VLAN: 60}},
		Folders: []string{"Production", "Production/Web", "Production/App", "Production/DB", "Infrastructure", "DMZ",
			"Dev-Test", "Legacy", "Templates"},
	},
	{
		Name: "dc-lyon",
		Clusters: []clusterPlan{
			{Name: "cl-lyo-prod-01", Hosts: hostNames("esx-lyo-", 1, 4), Pools: []string{"rp-dr"}},
		},
		Standalone: []string{"esx-lyo-edge-01.corp.local"},
		Datastores: []dsPlan{
			{Name: "ds-lyo-prod-01", Kind: "vmfs", Clusters: []string{"cl-lyo-prod-01"}},
			{Name: "ds-lyo-prod-02", Kind: "vmfs", Clusters: []string{"cl-lyo-prod-01"}},
			{Name: "nfs-lyo-archive", Kind: "nfs", Clusters: []string{"cl-lyo-prod-01"}},
			{Name: "ds-lyo-edge-local", Kind: "local", Standalone: []string{"esx-lyo-edge-01.corp.local"}},
		},
		DVS: []dvsPlan{
			{Name: "dvs-lyo-prod", Clusters: []string{"cl-lyo-prod-01"}, Portgroups: []pgPlan{
				{Name: "pg-app", VLAN: 100}, {Name: "pg-db", VLAN: 200}, {Name: "pg-repl", VLAN: 600},
			}},
		},
		StdPortgroups: []pgPlan{{Name: "VLAN20-Legacy", VLAN: 20}, {Name: "VLAN70-Edge", VLAN: 70}},
		Folders:       []string{"Production", "DR", "Edge"},
	},
}

func hostNames(prefix string, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("%s%02d.corp.local", prefix, i))
	}
	return out
}

// profile describes a family of VMs; per-VM choices are picked from the lists by an FNV hash of the VM name.
type profile struct {
	prefix   string
	count    int
	dc       string
	cluster  string // or host (standalone)
	host     string
	pool     string
	folder   string
	ds       []string
	guests   []string
	cpu      []int
	memGB    []int
	diskGB   []int    // sizes of disk 0, 1, 2
	disks    [2]int   // min, max number of disks
	ctrl     []string // controller of disk 0 (pvscsi | lsilogic | lsilogic-sas)
	ctrl2    []string // if set, disks 1+ go on a second controller (bus 1) of this type
	prov     []string // thin | thick-lazy | thick-eager, per disk
	nets     [][]string
	nicsMin  int
	adapters []string // vmxnet3 | e1000 | e1000e
	hw       []string
	power    [3]int // percent on, off, suspended (sum 100)
	cbt      int    // percent with changeTrackingEnabled
	efi      int    // percent with EFI firmware (Windows 2016+ / RHEL 8 / recent Ubuntu)
	iso      int    // percent with a connected ISO image
	team     string
	template bool
}

var p100 = [3]int{100, 0, 0}

var profiles = []profile{
	// dc-paris / cl-par-prod-01: production
	{prefix: "app-web", count: 48, dc: "dc-paris", cluster: "cl-par-prod-01", pool: "rp-silver", folder: "Production/Web",
		ds: []string{"ds-par-prod-01", "ds-par-prod-02"}, guests: []string{"ubuntu64Guest", "rhel8_64Guest", "centos7_64Guest"},
		cpu: []int{2, 4}, memGB: []int{4, 8}, diskGB: []int{40, 20}, disks: [2]int{1, 2}, ctrl: []string{"pvscsi"},
		prov: []string{"thin"}, nets: [][]string{{"pg-web"}, {"pg-backup"}}, nicsMin: 1, adapters: []string{"vmxnet3"},
		hw: []string{"vmx-13", "vmx-14", "vmx-15"}, power: [3]int{94, 6, 0}, efi: 20, team: "web"},
	{prefix: "app-api", count: 40, dc: "dc-paris", cluster: "cl-par-prod-01", pool: "rp-silver", folder: "Production/App",
		ds: []string{"ds-par-prod-01", "ds-par-prod-02", "ds-par-prod-03"}, guests: []string{"rhel8_64Guest", "rhel7_64Guest"},
		cpu: []int{4}, memGB: []int{8, 16}, diskGB: []int{50, 100}, disks: [2]int{2, 2}, ctrl: []string{"pvscsi"},
		prov: []string{"thin", "thick-lazy"}, nets: [][]string{{"pg-app"}, {"pg-backup"}}, nicsMin: 2,
		adapters: []string{"vmxnet3"}, hw: []string{"vmx-14", "vmx-15"}, power: p100, cbt: 25, efi: 30, team: "api"},
	{prefix: "app-batch", count: 16, dc: "dc-paris", cluster: "cl-par-prod-01", pool: "rp-silver", folder: "Production/App",
		ds: []string{"ds-par-prod-03", "nfs-par-tier2"}, guests: []string{"rhel8_64Guest", "sles15_64Guest"},
		cpu: []int{4, 8}, memGB: []int{16, 32}, diskGB: []int{40, 200, 500}, disks: [2]int{1, 3},
		ctrl: []string{"lsilogic", "pvscsi"}, prov: []string{"thin", "thick-lazy"}, nets: [][]string{{"pg-app"}},
		nicsMin: 1, adapters: []string{"vmxnet3", "e1000e"}, hw: []string{"vmx-11", "vmx-13", "vmx-14"},
		power: [3]int{80, 20, 0}, team: "batch"},
	{prefix: "db-pg", count: 24, dc: "dc-paris", cluster: "cl-par-prod-01", pool: "rp-gold", folder: "Production/DB",
		ds: []string{"ds-par-prod-02", "ds-par-prod-03"}, guests: []string{"rhel8_64Guest", "centos7_64Guest"},
		cpu: []int{8}, memGB: []int{32, 64}, diskGB: []int{60, 500, 100}, disks: [2]int{3, 3}, ctrl: []string{"pvscsi"},
		ctrl2: []string{"pvscsi"}, prov: []string{"thin", "thick-eager"}, nets: [][]string{{"pg-db"}, {"pg-backup"}},
		nicsMin: 2, adapters: []string{"vmxnet3"}, hw: []string{"vmx-14", "vmx-15"}, power: p100, cbt: 100, efi: 40,
		team: "dba"},
	{prefix: "db-mssql", count: 16, dc: "dc-paris", cluster: "cl-par-prod-01", pool: "rp-gold", folder: "Production/DB",
		ds: []string{"ds-par-prod-02", "ds-par-prod-03"}, guests: []string{"windows2019srv_64Guest", "windows9Server64Guest"},
		cpu: []int{8, 16}, memGB: []int{64, 128}, diskGB: []int{100, 300, 200}, disks: [2]int{3, 3},
		ctrl: []string{"lsilogic-sas"}, ctrl2: []string{"pvscsi"}, prov: []string{"thick-lazy", "thick-eager"},
		nets: [][]string{{"pg-db"}, {"pg-backup"}}, nicsMin: 2, adapters: []string{"vmxnet3", "e1000e"},
		hw: []string{"vmx-14", "vmx-15", "vmx-17"}, power: p100, cbt: 100, efi: 100, team: "dba"},
	{prefix: "db-ora", count: 8, dc: "dc-paris", cluster: "cl-par-prod-01", pool: "rp-gold", folder: "Production/DB",
		ds: []string{"ds-par-prod-03"}, guests: []string{"oracleLinux7_64Guest", "oracleLinux8_64Guest"},
		cpu: []int{16}, memGB: []int{128}, diskGB: []int{80, 1024, 256}, disks: [2]int{3, 3}, ctrl: []string{"pvscsi"},
		ctrl2: []string{"pvscsi"}, prov: []string{"thick-eager"}, nets: [][]string{{"pg-db"}}, nicsMin: 1,
		adapters: []string{"vmxnet3"}, hw: []string{"vmx-13", "vmx-14"}, power: p100, cbt: 100, team: "dba"},
	{prefix: "k8s-node", count: 72, dc: "dc-paris", cluster: "cl-par-prod-01", pool: "rp-silver", folder: "Production/App",
		ds: []string{"ds-par-prod-01", "ds-par-prod-02"}, guests: []string{"ubuntu64Guest"}, cpu: []int{8}, memGB: []int{32},
		diskGB: []int{120, 200}, disks: [2]int{2, 2}, ctrl: []string{"pvscsi"}, prov: []string{"thin"},
		nets: [][]string{{"pg-k8s"}}, nicsMin: 1, adapters: []string{"vmxnet3"}, hw: []string{"vmx-15", "vmx-17", "vmx-19"},
		power: [3]int{97, 3, 0}, efi: 50, team: "platform"},
	{prefix: "mq-rabbit", count: 6, dc: "dc-paris", cluster: "cl-par-prod-01", pool: "rp-silver", folder: "Production/App",
		ds: []string{"ds-par-prod-01"}, guests: []string{"debian10_64Guest"}, cpu: []int{4}, memGB: []int{8},
		diskGB: []int{30, 100}, disks: [2]int{2, 2}, ctrl: []string{"pvscsi"}, prov: []string{"thin", "thick-lazy"},
		nets: [][]string{{"pg-app"}}, nicsMin: 1, adapters: []string{"vmxnet3"}, hw: []string{"vmx-14"}, power: p100,
		team: "platform"},
	{prefix: "cache-redis", count: 6, dc: "dc-paris", cluster: "cl-par-prod-01", pool: "rp-silver", folder: "Production/App",
		ds: []string{"ds-par-prod-02"}, guests: []string{"rhel8_64Guest"}, cpu: []int{4}, memGB: []int{16},
		diskGB: []int{30}, disks: [2]int{1, 1}, ctrl: []string{"pvscsi"}, prov: []string{"thin"},
		nets: [][]string{{"pg-app"}}, nicsMin: 1, adapters: []string{"vmxnet3"}, hw: []string{"vmx-15"}, power: p100,
		team: "platform"},
	{prefix: "ad-dc", count: 4, dc: "dc-paris", cluster: "cl-par-prod-01", folder: "Infrastructure",
		ds: []string{"ds-par-prod-01", "ds-par-prod-02"}, guests: []string{"windows9Server64Guest", "windows2019srv_64Guest"},
		cpu: []int{2}, memGB: []int{8}, diskGB: []int{80}, disks: [2]int{1, 1}, ctrl: []string{"lsilogic-sas"},
		prov: []string{"thick-lazy"}, nets: [][]string{{"pg-mgmt"}}, nicsMin: 1, adapters: []string{"e1000e", "vmxnet3"},
		hw: []string{"vmx-13", "vmx-14"}, power: p100, efi: 50, team: "infra"},
	{prefix: "mon", count: 6, dc: "dc-paris", cluster: "cl-par-prod-01", folder: "Infrastructure",
		ds: []string{"ds-par-prod-01"}, guests: []string{"rhel8_64Guest", "ubuntu64Guest"}, cpu: []int{4}, memGB: []int{16},
		diskGB: []int{50, 500}, disks: [2]int{1, 2}, ctrl: []string{"pvscsi"}, prov: []string{"thin"},
		nets: [][]string{{"pg-mgmt"}, {"pg-app"}, {"pg-trunk"}}, nicsMin: 2, adapters: []string{"vmxnet3"},
		hw: []string{"vmx-15"}, power: p100, team: "infra"},
	{prefix: "win-file", count: 8, dc: "dc-paris", cluster: "cl-par-prod-01", pool: "rp-gold", folder: "Infrastructure",
		ds: []string{"ds-par-prod-02", "nfs-par-tier2"}, guests: []string{"windows2019srv_64Guest"}, cpu: []int{4},
		memGB: []int{16}, diskGB: []int{100, 2048, 1024}, disks: [2]int{2, 3}, ctrl: []string{"lsilogic-sas"},
		prov: []string{"thin", "thick-lazy"}, nets: [][]string{{"pg-app"}, {"pg-backup"}}, nicsMin: 1,
		adapters: []string{"vmxnet3", "e1000e"}, hw: []string{"vmx-14", "vmx-15"}, power: p100, cbt: 100, efi: 100,
		team: "infra"},
	// dc-paris / cl-par-prod-02: dev and test
	{prefix: "dev-app", count: 60, dc: "dc-paris", cluster: "cl-par-prod-02", pool: "rp-dev", folder: "Dev-Test",
		ds: []string{"ds-par-dev-01", "ds-par-prod-01"}, guests: []string{"ubuntu64Guest", "rhel8_64Guest", "centos7_64Guest",
			"windows9_64Guest", "debian10_64Guest"}, cpu: []int{1, 2, 4}, memGB: []int{2, 4, 8}, diskGB: []int{40, 20, 10},
		disks: [2]int{1, 3}, ctrl: []string{"pvscsi", "lsilogic", "lsilogic-sas"}, prov: []string{"thin", "thin", "thick-lazy"},
		nets: [][]string{{"pg-app", "VLAN40-Test"}, {"VLAN40-Test", "pg-web"}, {"pg-backup"}}, nicsMin: 1,
		adapters: []string{"vmxnet3", "e1000", "e1000e"}, hw: []string{"vmx-11", "vmx-13", "vmx-14", "vmx-15"},
		power: [3]int{50, 40, 10}, cbt: 10, efi: 20, iso: 15, team: "dev"},
	{prefix: "test-web", count: 40, dc: "dc-paris", cluster: "cl-par-prod-02", pool: "rp-test", folder: "Dev-Test",
		ds: []string{"ds-par-dev-01"}, guests: []string{"ubuntu64Guest", "centos7_64Guest", "rhel7_64Guest"},
		cpu: []int{1, 2}, memGB: []int{2, 4}, diskGB: []int{20, 10}, disks: [2]int{1, 2}, ctrl: []string{"pvscsi", "lsilogic"},
		prov: []string{"thin"}, nets: [][]string{{"VLAN40-Test"}, {"pg-web"}}, nicsMin: 1,
		adapters: []string{"vmxnet3", "e1000"}, hw: []string{"vmx-10", "vmx-11", "vmx-13"}, power: [3]int{60, 35, 5},
		team: "qa"},
	{prefix: "qa-win", count: 20, dc: "dc-paris", cluster: "cl-par-prod-02", pool: "rp-test", folder: "Dev-Test",
		ds: []string{"ds-par-dev-01"}, guests: []string{"windows2019srv_64Guest", "windows9Server64Guest", "windows9_64Guest"},
		cpu: []int{2, 4}, memGB: []int{4, 8}, diskGB: []int{60, 40}, disks: [2]int{1, 2}, ctrl: []string{"lsilogic-sas"},
		prov: []string{"thin", "thick-lazy"}, nets: [][]string{{"VLAN40-Test"}, {"pg-app"}}, nicsMin: 1,
		adapters: []string{"e1000e", "vmxnet3"}, hw: []string{"vmx-13", "vmx-14", "vmx-15"}, power: [3]int{55, 35, 10},
		efi: 60, iso: 20, team: "qa"},
	{prefix: "ci-runner", count: 24, dc: "dc-paris", cluster: "cl-par-prod-02", pool: "rp-dev", folder: "Dev-Test",
		ds: []string{"ds-par-dev-01", "nfs-par-tier2"}, guests: []string{"ubuntu64Guest"}, cpu: []int{4, 8},
		memGB: []int{8, 16}, diskGB: []int{40, 200}, disks: [2]int{2, 2}, ctrl: []string{"pvscsi"}, prov: []string{"thin"},
		nets: [][]string{{"pg-app"}}, nicsMin: 1, adapters: []string{"vmxnet3"}, hw: []string{"vmx-17", "vmx-19"},
		power: [3]int{75, 25, 0}, efi: 50, team: "dev"},
	{prefix: "legacy-erp", count: 12, dc: "dc-paris", cluster: "cl-par-prod-02", folder: "Legacy",
		ds: []string{"ds-par-prod-01", "ds-par-dev-01"}, guests: []string{"windows7Server64Guest", "winNetEnterprise64Guest"},
		cpu: []int{2, 4}, memGB: []int{4, 8}, diskGB: []int{60, 120, 40}, disks: [2]int{1, 3},
		ctrl: []string{"lsilogic-sas", "lsilogic"}, prov: []string{"thick-lazy", "thin"},
		nets: [][]string{{"VLAN20-Legacy"}, {"VLAN20-Legacy", "pg-backup"}}, nicsMin: 1, adapters: []string{"e1000"},
		hw: []string{"vmx-08", "vmx-09", "vmx-10"}, power: [3]int{80, 20, 0}, iso: 25, team: "erp"},
	{prefix: "legacy-app", count: 10, dc: "dc-paris", cluster: "cl-par-prod-02", folder: "Legacy",
		ds: []string{"ds-par-dev-01"}, guests: []string{"rhel6_64Guest", "centos6_64Guest", "sles11_64Guest"},
		cpu: []int{1, 2}, memGB: []int{2, 4}, diskGB: []int{20, 50}, disks: [2]int{1, 2}, ctrl: []string{"lsilogic"},
		prov: []string{"thick-lazy", "thin"}, nets: [][]string{{"VLAN20-Legacy"}}, nicsMin: 1,
		adapters: []string{"e1000", "vmxnet3"}, hw: []string{"vmx-07", "vmx-08", "vmx-10"}, power: [3]int{60, 40, 0},
		team: "erp"},
	{prefix: "old-crm", count: 8, dc: "dc-paris", cluster: "cl-par-prod-02", folder: "Legacy",
		ds: []string{"nfs-par-tier2"}, guests: []string{"windows7Server64Guest", "centos6_64Guest"}, cpu: []int{2},
		memGB: []int{4}, diskGB: []int{40, 80}, disks: [2]int{1, 2}, ctrl: []string{"lsilogic-sas", "lsilogic"},
		prov: []string{"thin"}, nets: [][]string{{"VLAN20-Legacy"}}, nicsMin: 1, adapters: []string{"e1000"},
		hw: []string{"vmx-08"}, power: [3]int{0, 100, 0}, team: "crm"},
	// dc-paris / cl-par-dmz
	{prefix: "dmz-web", count: 16, dc: "dc-paris", cluster: "cl-par-dmz", folder: "DMZ", ds: []string{"ds-par-dmz-01"},
		guests: []string{"centos7_64Guest", "rhel8_64Guest", "ubuntu64Guest"}, cpu: []int{2}, memGB: []int{4},
		diskGB: []int{30, 20}, disks: [2]int{1, 2}, ctrl: []string{"pvscsi"}, prov: []string{"thin"},
		nets: [][]string{{"pg-dmz-web"}}, nicsMin: 1, adapters: []string{"vmxnet3"}, hw: []string{"vmx-13", "vmx-14"},
		power: [3]int{90, 10, 0}, team: "web"},
	{prefix: "dmz-proxy", count: 8, dc: "dc-paris", cluster: "cl-par-dmz", folder: "DMZ", ds: []string{"ds-par-dmz-01"},
		guests: []string{"rhel8_64Guest"}, cpu: []int{2}, memGB: []int{4}, diskGB: []int{30}, disks: [2]int{1, 1},
		ctrl: []string{"pvscsi"}, prov: []string{"thin"}, nets: [][]string{{"pg-dmz-proxy"}, {"pg-dmz-web"}}, nicsMin: 2,
		adapters: []string{"vmxnet3"}, hw: []string{"vmx-14"}, power: p100, efi: 100, team: "net"},
	{prefix: "fw-edge", count: 2, dc: "dc-paris", cluster: "cl-par-dmz", folder: "DMZ", ds: []string{"ds-par-dmz-01"},
		guests: []string{"otherGuest64"}, cpu: []int{4}, memGB: []int{8}, diskGB: []int{16}, disks: [2]int{1, 1},
		ctrl: []string{"lsilogic"}, prov: []string{"thick-eager"}, nets: [][]string{{"pg-dmz-web"}, {"pg-dmz-proxy"}, {"VM Network"}},
		nicsMin: 3, adapters: []string{"e1000"}, hw: []string{"vmx-10"}, power: p100, team: "net"},
	// dc-paris / standalone management host
	{prefix: "jump", count: 4, dc: "dc-paris", host: "esx-par-mgmt-01.corp.local", folder: "Infrastructure",
		ds: []string{"ds-par-mgmt-local"}, guests: []string{"windows2019srv_64Guest", "ubuntu64Guest"}, cpu: []int{2},
		memGB: []int{8}, diskGB: []int{60}, disks: [2]int{1, 1}, ctrl: []string{"lsilogic-sas", "pvscsi"},
		prov: []string{"thin"}, nets: [][]string{{"VM Network"}, {"VLAN60-Lab"}}, nicsMin: 1,
		adapters: []string{"vmxnet3", "e1000e"}, hw: []string{"vmx-14"}, power: p100, efi: 50, team: "infra"},
	{prefix: "backup-proxy", count: 3, dc: "dc-paris", host: "esx-par-mgmt-01.corp.local", folder: "Infrastructure",
		ds: []string{"ds-par-mgmt-local"}, guests: []string{"windows2019srv_64Guest"}, cpu: []int{8}, memGB: []int{16},
		diskGB: []int{80, 500}, disks: [2]int{2, 2}, ctrl: []string{"lsilogic-sas"}, prov: []string{"thick-lazy"},
		nets: [][]string{{"VM Network"}}, nicsMin: 1, adapters: []string{"vmxnet3"}, hw: []string{"vmx-15"}, power: p100,
		efi: 100, team: "infra"},
	{prefix: "vcsa", count: 1, dc: "dc-paris", host: "esx-par-mgmt-01.corp.local", folder: "Infrastructure",
		ds: []string{"ds-par-mgmt-local"}, guests: []string{"vmwarePhoton64Guest"}, cpu: []int{4}, memGB: []int{19},
		diskGB: []int{48, 100, 50}, disks: [2]int{3, 3}, ctrl: []string{"pvscsi"}, prov: []string{"thin"},
		nets: [][]string{{"VM Network"}}, nicsMin: 1, adapters: []string{"vmxnet3"}, hw: []string{"vmx-10"}, power: p100,
		team: "infra"},
	{prefix: "tpl", count: 4, dc: "dc-paris", cluster: "cl-par-prod-02", folder: "Templates", ds: []string{"nfs-par-tier2"},
		guests: []string{"rhel8_64Guest", "ubuntu64Guest", "windows2019srv_64Guest", "centos7_64Guest"}, cpu: []int{2},
		memGB: []int{4}, diskGB: []int{40}, disks: [2]int{1, 1}, ctrl: []string{"pvscsi"}, prov: []string{"thin"},
		nets: [][]string{{"pg-app"}}, nicsMin: 1, adapters: []string{"vmxnet3"}, hw: []string{"vmx-14"},
		power: [3]int{0, 100, 0}, team: "infra", template: true},
	// dc-lyon
	{prefix: "dr-app", count: 40, dc: "dc-lyon", cluster: "cl-lyo-prod-01", pool: "rp-dr", folder: "DR",
		ds: []string{"ds-lyo-prod-01", "ds-lyo-prod-02"}, guests: []string{"rhel8_64Guest", "ubuntu64Guest"},
		cpu: []int{2, 4}, memGB: []int{4, 8}, diskGB: []int{40, 100}, disks: [2]int{1, 2}, ctrl: []string{"pvscsi"},
		prov: []string{"thin"}, nets: [][]string{{"pg-app"}}, nicsMin: 1, adapters: []string{"vmxnet3"},
		hw: []string{"vmx-14", "vmx-15"}, power: [3]int{10, 90, 0}, efi: 30, team: "dr"},
	{prefix: "dr-db-pg", count: 12, dc: "dc-lyon", cluster: "cl-lyo-prod-01", pool: "rp-dr", folder: "DR",
		ds: []string{"ds-lyo-prod-02"}, guests: []string{"rhel8_64Guest"}, cpu: []int{8}, memGB: []int{32},
		diskGB: []int{60, 500, 100}, disks: [2]int{2, 3}, ctrl: []string{"pvscsi"}, ctrl2: []string{"pvscsi"},
		prov: []string{"thin", "thick-eager"}, nets: [][]string{{"pg-db"}, {"pg-repl"}}, nicsMin: 2,
		adapters: []string{"vmxnet3"}, hw: []string{"vmx-15"}, power: [3]int{25, 75, 0}, cbt: 100, team: "dba"},
	{prefix: "lyo-web", count: 30, dc: "dc-lyon", cluster: "cl-lyo-prod-01", folder: "Production",
		ds: []string{"ds-lyo-prod-01", "nfs-lyo-archive"}, guests: []string{"ubuntu64Guest", "centos7_64Guest", "sles15_64Guest"},
		cpu: []int{2}, memGB: []int{4}, diskGB: []int{30, 50}, disks: [2]int{1, 2}, ctrl: []string{"pvscsi", "lsilogic"},
		prov: []string{"thin", "thick-lazy"}, nets: [][]string{{"pg-app", "VLAN20-Legacy"}}, nicsMin: 1,
		adapters: []string{"vmxnet3", "e1000e"}, hw: []string{"vmx-13", "vmx-14", "vmx-15"}, power: [3]int{85, 10, 5},
		efi: 10, team: "web"},
	{prefix: "lyo-db", count: 10, dc: "dc-lyon", cluster: "cl-lyo-prod-01", folder: "Production",
		ds: []string{"ds-lyo-prod-02"}, guests: []string{"windows2019srv_64Guest", "rhel8_64Guest"}, cpu: []int{8},
		memGB: []int{32}, diskGB: []int{80, 400}, disks: [2]int{2, 2}, ctrl: []string{"lsilogic-sas", "pvscsi"},
		prov: []string{"thick-lazy", "thick-eager"}, nets: [][]string{{"pg-db"}}, nicsMin: 1,
		adapters: []string{"vmxnet3"}, hw: []string{"vmx-14", "vmx-15"}, power: p100, cbt: 50, efi: 50, team: "dba"},
	{prefix: "repl", count: 4, dc: "dc-lyon", cluster: "cl-lyo-prod-01", folder: "DR", ds: []string{"ds-lyo-prod-01"},
		guests: []string{"sles15_64Guest"}, cpu: []int{4}, memGB: []int{8}, diskGB: []int{40, 100}, disks: [2]int{2, 2},
		ctrl: []string{"pvscsi"}, prov: []string{"thin"}, nets: [][]string{{"pg-repl"}, {"pg-app"}}, nicsMin: 2,
		adapters: []string{"vmxnet3"}, hw: []string{"vmx-15"}, power: p100, team: "dr"},
	{prefix: "edge-fw", count: 4, dc: "dc-lyon", host: "esx-lyo-edge-01.corp.local", folder: "Edge",
		ds: []string{"ds-lyo-edge-local"}, guests: []string{"otherGuest64", "otherLinux64Guest"}, cpu: []int{2},
		memGB: []int{4}, diskGB: []int{8}, disks: [2]int{1, 1}, ctrl: []string{"lsilogic"}, prov: []string{"thick-eager"},
		nets: [][]string{{"VLAN70-Edge"}, {"VM Network"}, {"VLAN20-Legacy"}}, nicsMin: 3, adapters: []string{"e1000"},
		hw: []string{"vmx-09", "vmx-10"}, power: p100, team: "net"},
	{prefix: "edge-svc", count: 6, dc: "dc-lyon", host: "esx-lyo-edge-01.corp.local", folder: "Edge",
		ds: []string{"ds-lyo-edge-local"}, guests: []string{"ubuntu64Guest", "debian10_64Guest"}, cpu: []int{1, 2},
		memGB: []int{2}, diskGB: []int{20}, disks: [2]int{1, 1}, ctrl: []string{"pvscsi"}, prov: []string{"thin"},
		nets: [][]string{{"VLAN70-Edge"}}, nicsMin: 1, adapters: []string{"vmxnet3"}, hw: []string{"vmx-13"},
		power: [3]int{70, 20, 10}, team: "net"},
	{prefix: "jump", count: 1, dc: "dc-lyon", host: "esx-lyo-edge-01.corp.local", folder: "Edge",
		ds: []string{"ds-lyo-edge-local"}, guests: []string{"ubuntu64Guest"}, cpu: []int{2}, memGB: []int{4},
		diskGB: []int{40}, disks: [2]int{1, 1}, ctrl: []string{"pvscsi"}, prov: []string{"thin"},
		nets: [][]string{{"VM Network"}}, nicsMin: 1, adapters: []string{"vmxnet3"}, hw: []string{"vmx-14"}, power: p100,
		team: "infra"},
}

// Odd names real estates have (spaces, parentheses, accents, upper case), cloned from a profile.
var oddNames = []struct{ name, like string }{
	{"Copy of app-web-01", "test-web"},
	{"test vm (old)", "test-web"},
	{"été-reporting-01", "dev-app"},
	{"SRV_FILE_2008", "legacy-erp"},
}

// VMs that get real guest data: small disks (so capacity == flat file size) with blocks at known offsets.
var dataVMs = map[string]bool{"app-web-01": true, "db-pg-01": true, "win-file-01": true, "legacy-erp-01": true,
	"dr-db-pg-01": true}

var dataDiskMiB = []int64{64, 32, 16}

// Pre-existing snapshots (taken after the data disks are written).
var snapshots = map[string][]string{
	"db-pg-02": {"pre-upgrade-pg15"}, "db-pg-03": {"pre-upgrade-pg15"}, "db-mssql-02": {"before-cu-patch"},
	"dev-app-03": {"clean-install", "after-config"}, "dev-app-07": {"wip"}, "legacy-erp-02": {"before-migration-test"},
	"qa-win-04": {"baseline"}, "app-api-05": {"hotfix-1234"},
}

var isos = []string{"iso/rhel-8.8-x86_64-dvd.iso", "iso/ubuntu-22.04.3-live-server-amd64.iso",
	"iso/SW_DVD9_Win_Server_STD_CORE_2019.iso", "iso/vmware-tools-12.3.iso"}

type diskPlan struct {
	Key        int32  `json:"key"`
	File       string `json:"file"`
	CapacityKB int64  `json:"capacityKB"`
	Controller string `json:"controller"`
	Bus        int    `json:"bus"`
	Unit       int    `json:"unit"`
	Prov       string `json:"provisioning"`
}

type nicPlan struct {
	Key     int32  `json:"key"`
	Adapter string `json:"adapter"`
	Network string `json:"network"`
	Kind    string `json:"kind"` // standard | distributed
	Switch  string `json:"switch,omitempty"`
	VLAN    int    `json:"vlan"`
	Trunk   string `json:"trunk,omitempty"`
	MAC     string `json:"mac,omitempty"`
}

type vmPlan struct {
	Name       string     `json:"name"`
	Moid       string     `json:"moid,omitempty"`
	UUID       string     `json:"uuid,omitempty"`
	DC         string     `json:"datacenter"`
	Folder     string     `json:"folder"`
	Cluster    string     `json:"cluster,omitempty"`
	Host       string     `json:"host"`
	Pool       string     `json:"resourcePool,omitempty"`
	Datastore  string     `json:"datastore"`
	GuestID    string     `json:"guestId"`
	CPU        int        `json:"numCPU"`
	Cores      int        `json:"coresPerSocket"`
	MemMB      int        `json:"memoryMB"`
	HW         string     `json:"hwVersion"`
	Firmware   string     `json:"firmware"`
	SecureBoot bool       `json:"secureBoot,omitempty"`
	Power      string     `json:"powerState"`
	CBT        bool       `json:"cbt"`
	Template   bool       `json:"template,omitempty"`
	ISO        string     `json:"iso,omitempty"`
	Snapshots  []string   `json:"snapshots,omitempty"`
	Disks      []diskPlan `json:"disks"`
	NICs       []nicPlan  `json:"nics"`
	DataDisk   bool       `json:"dataDisk,omitempty"`
	Annotation string     `json:"annotation"`
}

func hsh(parts ...string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(strings.Join(parts, "/")))
	return h.Sum64()
}

// mix spreads FNV's high bits (murmur3 finalizer); FNV-1a alone leaves bits 16+ of similar names alike.
func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

func pick[T any](list []T, name, salt string) T { return list[hsh(name, salt)%uint64(len(list))] }

func pct(name, salt string, p int) bool { return int(hsh(name, salt)%100) < p }

// planVMs expands the profiles into the VM list (order = creation order).
func planVMs(netInfo map[string]map[string]nicPlan) []*vmPlan {
	var vms []*vmPlan
	macs := map[string]bool{}
	hostIdx := map[string]int{}
	clusterHosts := map[string][]string{}
	for _, dc := range estate {
		for _, c := range dc.Clusters {
			clusterHosts[c.Name] = c.Hosts
		}
	}
	expand := func(p profile, name string) *vmPlan {
		v := &vmPlan{Name: name, DC: p.dc, Folder: p.folder, Cluster: p.cluster, Pool: p.pool, Template: p.template}
		if p.host != "" {
			v.Host = p.host
		} else {
			hosts := clusterHosts[p.cluster]
			v.Host = hosts[hostIdx[p.cluster]%len(hosts)]
			hostIdx[p.cluster]++
		}
		v.Datastore = pick(p.ds, name, "ds")
		v.GuestID = pick(p.guests, name, "guest")
		v.CPU = pick(p.cpu, name, "cpu")
		v.Cores = 1
		if v.CPU >= 8 {
			v.Cores = v.CPU / 2
		}
		v.MemMB = pick(p.memGB, name, "mem") * 1024
		v.HW = pick(p.hw, name, "hw")
		v.Firmware = "bios"
		efiCapable := !strings.HasPrefix(v.GuestID, "windows7") && !strings.HasPrefix(v.GuestID, "winNet") &&
			!strings.Contains(v.GuestID, "6_64") && !strings.HasPrefix(v.GuestID, "sles11") && v.HW >= "vmx-13"
		if efiCapable && pct(name, "efi", p.efi) {
			v.Firmware = "efi"
			v.SecureBoot = strings.HasPrefix(v.GuestID, "windows") || pct(name, "secureboot", 30)
		}
		w := int(hsh(name, "power") % 100)
		switch {
		case w < p.power[0]:
			v.Power = "poweredOn"
		case w < p.power[0]+p.power[1]:
			v.Power = "poweredOff"
		default:
			v.Power = "suspended"
		}
		v.CBT = pct(name, "cbt", p.cbt)
		if pct(name, "iso", p.iso) {
			v.ISO = fmt.Sprintf("[%s] %s", isoDatastore(p.dc), pick(isos, name, "iso"))
		}
		v.DataDisk = dataVMs[name]
		v.Snapshots = snapshots[name]
		if v.Template {
			v.Power = "poweredOff"
		}
		v.Annotation = fmt.Sprintf("Owner: team-%s\nApplication: %s\nManaged by: FFO lab estate seed v%d", p.team,
			p.prefix, seedVersion)

		// disks
		nd := p.disks[0]
		if p.disks[1] > p.disks[0] {
			nd += int(hsh(name, "ndisks") % uint64(p.disks[1]-p.disks[0]+1))
		}
		ctrl0 := pick(p.ctrl, name, "ctrl")
		units := map[int]int{}
		for i := 0; i < nd; i++ {
			d := diskPlan{Key: int32(2000 + i), Controller: ctrl0}
			if i > 0 && len(p.ctrl2) > 0 {
				d.Bus, d.Controller = 1, pick(p.ctrl2, name, "ctrl2")
			}
			d.Unit = units[d.Bus]
			units[d.Bus]++
			d.Key = int32(2000 + d.Bus*16 + d.Unit)
			d.CapacityKB = int64(p.diskGB[i]) * 1024 * 1024
			if v.DataDisk {
				d.CapacityKB = dataDiskMiB[i] * 1024
			}
			d.Prov = pick(p.prov, name, fmt.Sprint("prov", i))
			if i == 0 {
				d.File = fmt.Sprintf("[%s] %s/%s.vmdk", v.Datastore, name, name)
			} else {
				d.File = fmt.Sprintf("[%s] %s/%s_%d.vmdk", v.Datastore, name, name, i)
			}
			v.Disks = append(v.Disks, d)
		}
		// NICs
		nn := p.nicsMin
		if len(p.nets) > p.nicsMin {
			nn += int(hsh(name, "nnics") % uint64(len(p.nets)-p.nicsMin+1))
		}
		for i := 0; i < nn; i++ {
			net := pick(p.nets[i], name, fmt.Sprint("net", i))
			n, ok := netInfo[p.dc][net]
			if !ok {
				log.Fatalf("profile %s: unknown network %s in %s", p.prefix, net, p.dc)
			}
			n.Key = int32(4000 + i)
			n.Adapter = pick(p.adapters, name, fmt.Sprint("nic", i))
			// vCenter-assigned style MAC (00:50:56:80-bf:xx:xx), unique in the estate. vcsim's own "generated"
			// MACs are derived from 3 ASCII characters of the VM UUID string and collide (~60 pairs here).
			for h := mix(hsh(name, "mac", fmt.Sprint(i))); ; h++ {
				mac := fmt.Sprintf("00:50:56:%02x:%02x:%02x", 0x80|(h>>16)&0x3f, (h>>8)&0xff, h&0xff)
				if !macs[mac] {
					macs[mac], n.MAC = true, mac
					break
				}
			}
			v.NICs = append(v.NICs, n)
		}
		return v
	}
	for _, p := range profiles {
		if len(p.diskGB) < p.disks[1] || len(p.nets) < p.nicsMin || p.power[0]+p.power[1]+p.power[2] != 100 {
			log.Fatalf("profile %s: inconsistent disks, nets or power weights", p.prefix)
		}
		for i := 1; i <= p.count; i++ {
			vms = append(vms, expand(p, fmt.Sprintf("%s-%02d", p.prefix, i)))
		}
	}
	for _, o := range oddNames {
		for _, p := range profiles {
			if p.prefix == o.like {
				vms = append(vms, expand(p, o.name))
				break
			}
		}
	}
	return vms
}

func isoDatastore(dc string) string {
	if dc == "dc-paris" {
		return "nfs-par-iso"
	}
	return "nfs-lyo-archive"
}

// ---------------------------------------------------------------------------------------------------------------
// Seeding.

type seeder struct {
	ctx    context.Context
	c      *vim25.Client
	pc     *property.Collector
	dsRoot string
	calls  int

	hosts    map[string]mo.HostSystem // host name -> host (configManager)
	clusters map[string]*object.ClusterComputeResource
	pools    map[string]types.ManagedObjectReference // "cluster/pool" or "cluster" or "host:name" -> pool
	folders  map[string]*object.Folder               // "dc/path" -> vm folder
	dvpg     map[string]types.VirtualEthernetCardDistributedVirtualPortBackingInfo
}

func (s *seeder) wait(t *object.Task, err error) (types.AnyType, error) {
	s.calls++
	if err != nil {
		return nil, err
	}
	// vcsim runs tasks synchronously: one RetrieveProperties instead of a property-collector wait loop.
	var task mo.Task
	if err := s.pc.RetrieveOne(s.ctx, t.Reference(), []string{"info"}, &task); err == nil {
		switch task.Info.State {
		case types.TaskInfoStateSuccess:
			return task.Info.Result, nil
		case types.TaskInfoStateError:
			return nil, fmt.Errorf("task %s %s: %s", task.Info.DescriptionId, task.Info.EntityName,
				task.Info.Error.LocalizedMessage)
		}
	}
	info, err := t.WaitForResult(s.ctx, nil)
	if err != nil {
		return nil, err
	}
	return info.Result, nil
}

func must(err error, what string, args ...interface{}) {
	if err != nil {
		log.Fatalf("%s: %v", fmt.Sprintf(what, args...), err)
	}
}

func (s *seeder) infra() map[string]map[string]nicPlan {
	root := object.NewRootFolder(s.c)
	netInfo := map[string]map[string]nicPlan{}
	for _, dcp := range estate {
		dc, err := root.CreateDatacenter(s.ctx, dcp.Name)
		must(err, "create datacenter %s", dcp.Name)
		folders, err := dc.Folders(s.ctx)
		must(err, "datacenter folders")

		// clusters and hosts
		var dcHosts []string
		for _, cp := range dcp.Clusters {
			cl, err := folders.HostFolder.CreateCluster(s.ctx, cp.Name, types.ClusterConfigSpecEx{
				DrsConfig: &types.ClusterDrsConfigInfo{Enabled: types.NewBool(true),
					DefaultVmBehavior: types.DrsBehaviorFullyAutomated},
				DasConfig: &types.ClusterDasConfigInfo{Enabled: types.NewBool(true)},
			})
			must(err, "create cluster %s", cp.Name)
			s.clusters[cp.Name] = cl
			for _, h := range cp.Hosts {
				_, err := s.wait(cl.AddHost(s.ctx, types.HostConnectSpec{HostName: h, UserName: "root", Force: true}, true, nil, nil))
				must(err, "add host %s", h)
				dcHosts = append(dcHosts, h)
			}
			var clmo mo.ClusterComputeResource
			must(s.pc.RetrieveOne(s.ctx, cl.Reference(), []string{"resourcePool"}, &clmo), "cluster pool")
			s.pools[cp.Name] = *clmo.ResourcePool
			for _, pn := range cp.Pools {
				rp, err := object.NewResourcePool(s.c, *clmo.ResourcePool).Create(s.ctx, pn, types.DefaultResourceConfigSpec())
				must(err, "create pool %s", pn)
				s.pools[cp.Name+"/"+pn] = rp.Reference()
			}
		}
		for _, h := range dcp.Standalone {
			_, err := s.wait(folders.HostFolder.AddStandaloneHost(s.ctx, types.HostConnectSpec{HostName: h, UserName: "root",
				Force: true}, true, nil, nil))
			must(err, "add standalone host %s", h)
			dcHosts = append(dcHosts, h)
		}
		s.loadHosts(folders.HostFolder.Reference())
		for _, h := range dcp.Standalone {
			var cr mo.ComputeResource
			must(s.pc.RetrieveOne(s.ctx, *s.hosts[h].Parent, []string{"resourcePool"}, &cr), "standalone pool")
			s.pools["host:"+h] = *cr.ResourcePool
		}

		// datastores: real directories under dsRoot/<dc>/<name>
		for i := range dcp.Datastores {
			dp := &dcp.Datastores[i]
			dp.URL = filepath.Join(s.dsRoot, dcp.Name, dp.Name)
			must(os.MkdirAll(dp.URL, 0o755), "mkdir %s", dp.URL)
			var hosts []string
			for _, cn := range dp.Clusters {
				for _, cp := range dcp.Clusters {
					if cp.Name == cn {
						hosts = append(hosts, cp.Hosts...)
					}
				}
			}
			hosts = append(hosts, dp.Standalone...)
			for _, h := range hosts {
				dss := object.NewHostDatastoreSystem(s.c, *s.hosts[h].ConfigManager.DatastoreSystem)
				s.calls++
				if dp.Kind == "nfs" {
					dp.RemoteHost = "nas-" + strings.TrimPrefix(dcp.Name, "dc-") + ".corp.local"
					dp.RemotePath = "/export/" + dp.Name
					_, err = dss.CreateNasDatastore(s.ctx, types.HostNasVolumeSpec{RemoteHost: dp.RemoteHost,
						RemotePath: dp.RemotePath, LocalPath: dp.URL, AccessMode: string(types.HostMountModeReadWrite),
						Type: string(types.HostFileSystemVolumeFileSystemTypeNFS)})
				} else {
					_, err = dss.CreateLocalDatastore(s.ctx, dp.Name, dp.URL)
				}
				must(err, "datastore %s on %s", dp.Name, h)
			}
		}

		// standard port groups on vSwitch0 of every host
		netInfo[dcp.Name] = map[string]nicPlan{"VM Network": {Network: "VM Network", Kind: "standard", Switch: "vSwitch0"}}
		for _, h := range dcHosts {
			ns := object.NewHostNetworkSystem(s.c, *s.hosts[h].ConfigManager.NetworkSystem)
			for _, pg := range dcp.StdPortgroups {
				s.calls++
				must(ns.AddPortGroup(s.ctx, types.HostPortGroupSpec{Name: pg.Name, VlanId: int32(pg.VLAN),
					VswitchName: "vSwitch0", Policy: types.HostNetworkPolicy{}}), "portgroup %s on %s", pg.Name, h)
			}
		}
		for _, pg := range dcp.StdPortgroups {
			netInfo[dcp.Name][pg.Name] = nicPlan{Network: pg.Name, Kind: "standard", Switch: "vSwitch0", VLAN: pg.VLAN}
		}

		// distributed switches: hosts first (vcsim refuses DVS backings on non-member hosts), then port groups
		for i := range dcp.DVS {
			dp := &dcp.DVS[i]
			res, err := s.wait(folders.NetworkFolder.CreateDVS(s.ctx, types.DVSCreateSpec{
				ConfigSpec:  &types.VMwareDVSConfigSpec{DVSConfigSpec: types.DVSConfigSpec{Name: dp.Name}},
				ProductInfo: &types.DistributedVirtualSwitchProductSpec{Version: "7.0.0"},
			}))
			must(err, "create dvs %s", dp.Name)
			dvs := object.NewDistributedVirtualSwitch(s.c, res.(types.ManagedObjectReference))
			var members []types.DistributedVirtualSwitchHostMemberConfigSpec
			for _, cn := range dp.Clusters {
				for _, cp := range dcp.Clusters {
					if cp.Name != cn {
						continue
					}
					for _, h := range cp.Hosts {
						members = append(members, types.DistributedVirtualSwitchHostMemberConfigSpec{
							Operation: string(types.ConfigSpecOperationAdd), Host: s.hosts[h].Self,
							Backing: &types.DistributedVirtualSwitchHostMemberPnicBacking{
								PnicSpec: []types.DistributedVirtualSwitchHostMemberPnicSpec{{PnicDevice: "vmnic1"}}},
						})
					}
				}
			}
			_, err = s.wait(dvs.Reconfigure(s.ctx, &types.DVSConfigSpec{Host: members}))
			must(err, "add hosts to %s", dp.Name)
			var specs []types.DVPortgroupConfigSpec
			for _, pg := range dp.Portgroups {
				setting := &types.VMwareDVSPortSetting{}
				if pg.Trunk != "" {
					setting.Vlan = &types.VmwareDistributedVirtualSwitchTrunkVlanSpec{
						VlanId: []types.NumericRange{{Start: 1, End: 4094}}}
				} else {
					setting.Vlan = &types.VmwareDistributedVirtualSwitchVlanIdSpec{VlanId: int32(pg.VLAN)}
				}
				specs = append(specs, types.DVPortgroupConfigSpec{Name: pg.Name, Type: "earlyBinding", NumPorts: 128,
					AutoExpand: types.NewBool(true), DefaultPortConfig: setting})
			}
			_, err = s.wait(dvs.AddPortgroup(s.ctx, specs))
			must(err, "add portgroups to %s", dp.Name)
			var sw mo.DistributedVirtualSwitch
			must(s.pc.RetrieveOne(s.ctx, dvs.Reference(), []string{"uuid", "portgroup"}, &sw), "dvs props")
			var pgs []mo.DistributedVirtualPortgroup
			must(s.pc.Retrieve(s.ctx, sw.Portgroup, []string{"name", "key"}, &pgs), "dvpg props")
			for _, pg := range pgs {
				if strings.Contains(pg.Name, "-DVUplinks") {
					dp.Uplink = pg.Name
					continue
				}
				for _, pp := range dp.Portgroups {
					if pp.Name == pg.Name {
						netInfo[dcp.Name][pg.Name] = nicPlan{Network: pg.Name, Kind: "distributed", Switch: dp.Name,
							VLAN: pp.VLAN, Trunk: pp.Trunk}
						s.dvpg[dcp.Name+"/"+pg.Name] = types.VirtualEthernetCardDistributedVirtualPortBackingInfo{
							Port: types.DistributedVirtualSwitchPortConnection{SwitchUuid: sw.Uuid, PortgroupKey: pg.Key}}
					}
				}
			}
		}

		// VM folders
		s.folders[dcp.Name+"/"] = folders.VmFolder
		for _, fp := range dcp.Folders {
			parent := s.folders[dcp.Name+"/"+path.Dir(fp)]
			if path.Dir(fp) == "." {
				parent = folders.VmFolder
			}
			f, err := parent.CreateFolder(s.ctx, path.Base(fp))
			must(err, "create folder %s", fp)
			s.folders[dcp.Name+"/"+fp] = f
		}
	}
	return netInfo
}

func (s *seeder) loadHosts(hostFolder types.ManagedObjectReference) {
	m := view.NewManager(s.c)
	v, err := m.CreateContainerView(s.ctx, hostFolder, []string{"HostSystem"}, true)
	must(err, "host view")
	defer v.Destroy(s.ctx)
	var hosts []mo.HostSystem
	must(v.Retrieve(s.ctx, []string{"HostSystem"}, []string{"name", "configManager", "parent"}, &hosts), "hosts")
	for _, h := range hosts {
		s.hosts[h.Name] = h
	}
}

func provFlags(p string) (thin, eager bool) {
	switch p {
	case "thin":
		return true, false
	case "thick-eager":
		return false, true
	}
	return false, false
}

func (s *seeder) createVM(v *vmPlan) {
	var devs []types.BaseVirtualDeviceConfigSpec
	add := func(d types.BaseVirtualDevice, create bool) {
		spec := &types.VirtualDeviceConfigSpec{Operation: types.VirtualDeviceConfigSpecOperationAdd, Device: d}
		if create {
			spec.FileOperation = types.VirtualDeviceConfigSpecFileOperationCreate
		}
		devs = append(devs, spec)
	}
	var list object.VirtualDeviceList
	ctrlKey := map[int]int32{}
	for _, d := range v.Disks {
		if _, ok := ctrlKey[d.Bus]; ok {
			continue
		}
		c, err := list.CreateSCSIController(d.Controller)
		must(err, "scsi controller %s", d.Controller)
		scsi := c.(types.BaseVirtualSCSIController).GetVirtualSCSIController()
		scsi.BusNumber = int32(d.Bus)
		scsi.Key = int32(1000 + d.Bus)
		scsi.SharedBus = types.VirtualSCSISharingNoSharing
		ctrlKey[d.Bus] = scsi.Key
		list = append(list, c)
		add(c, false)
	}
	for _, d := range v.Disks {
		thin, eager := provFlags(d.Prov)
		unit := int32(d.Unit)
		if unit >= 7 {
			unit++ // unit 7 is the controller itself
		}
		disk := &types.VirtualDisk{
			VirtualDevice: types.VirtualDevice{Key: d.Key, ControllerKey: ctrlKey[d.Bus], UnitNumber: &unit,
				Backing: &types.VirtualDiskFlatVer2BackingInfo{
					VirtualDeviceFileBackingInfo: types.VirtualDeviceFileBackingInfo{FileName: d.File},
					DiskMode:                     string(types.VirtualDiskModePersistent),
					ThinProvisioned:              types.NewBool(thin), EagerlyScrub: types.NewBool(eager),
				}},
			CapacityInKB: d.CapacityKB,
		}
		add(disk, true)
	}
	for i, n := range v.NICs {
		var backing types.BaseVirtualDeviceBackingInfo
		if n.Kind == "distributed" {
			b := s.dvpg[v.DC+"/"+n.Network]
			backing = &b
		} else {
			backing = &types.VirtualEthernetCardNetworkBackingInfo{
				VirtualDeviceDeviceBackingInfo: types.VirtualDeviceDeviceBackingInfo{DeviceName: n.Network}}
		}
		nic, err := list.CreateEthernetCard(n.Adapter, backing)
		must(err, "nic %s", n.Adapter)
		card := nic.(types.BaseVirtualEthernetCard).GetVirtualEthernetCard()
		card.Key = n.Key
		card.AddressType = string(types.VirtualEthernetCardMacTypeAssigned)
		card.MacAddress = n.MAC
		unit := int32(7 + i)
		card.UnitNumber = &unit
		card.ControllerKey = 100
		card.Connectable = &types.VirtualDeviceConnectInfo{StartConnected: true, Connected: v.Power == "poweredOn",
			AllowGuestControl: true}
		add(nic, false)
	}
	cd := &types.VirtualCdrom{VirtualDevice: types.VirtualDevice{Key: 3000, ControllerKey: 200, UnitNumber: new(int32),
		Connectable: &types.VirtualDeviceConnectInfo{AllowGuestControl: true}}}
	if v.ISO != "" {
		cd.Backing = &types.VirtualCdromIsoBackingInfo{VirtualDeviceFileBackingInfo: types.VirtualDeviceFileBackingInfo{
			FileName: v.ISO}}
		cd.Connectable.StartConnected, cd.Connectable.Connected = true, v.Power == "poweredOn"
	} else {
		cd.Backing = &types.VirtualCdromRemotePassthroughBackingInfo{
			VirtualDeviceRemoteDeviceBackingInfo: types.VirtualDeviceRemoteDeviceBackingInfo{}}
	}
	add(cd, false)

	spec := types.VirtualMachineConfigSpec{
		Name: v.Name, GuestId: v.GuestID, NumCPUs: int32(v.CPU), NumCoresPerSocket: int32(v.Cores),
		MemoryMB: int64(v.MemMB), Version: v.HW, Firmware: v.Firmware, Annotation: v.Annotation,
		Files: &types.VirtualMachineFileInfo{VmPathName: "[" + v.Datastore + "]"}, DeviceChange: devs,
	}
	if v.SecureBoot {
		spec.BootOptions = &types.VirtualMachineBootOptions{EfiSecureBootEnabled: types.NewBool(true)}
	}
	pool := s.pools["host:"+v.Host]
	if v.Cluster != "" {
		pool = s.pools[v.Cluster]
		if v.Pool != "" {
			pool = s.pools[v.Cluster+"/"+v.Pool]
		}
	}
	host := object.NewHostSystem(s.c, s.hosts[v.Host].Self)
	res, err := s.wait(s.folders[v.DC+"/"+v.Folder].CreateVM(s.ctx, spec, object.NewResourcePool(s.c, pool), host))
	must(err, "create vm %s", v.Name)
	v.Moid = res.(types.ManagedObjectReference).Value
}

func (s *seeder) postCreate(v *vmPlan) {
	vm := object.NewVirtualMachine(s.c, types.ManagedObjectReference{Type: "VirtualMachine", Value: v.Moid})
	if v.CBT { // what backup products do: ReconfigVM_Task with changeTrackingEnabled
		_, err := s.wait(vm.Reconfigure(s.ctx, types.VirtualMachineConfigSpec{ChangeTrackingEnabled: types.NewBool(true)}))
		must(err, "enable CBT on %s", v.Name)
	}
	if v.Power != "poweredOff" {
		_, err := s.wait(vm.PowerOn(s.ctx))
		must(err, "power on %s", v.Name)
	}
	if v.Power == "suspended" {
		_, err := s.wait(vm.Suspend(s.ctx))
		must(err, "suspend %s", v.Name)
	}
	for _, sn := range v.Snapshots {
		_, err := s.wait(vm.CreateSnapshot(s.ctx, sn, "taken by the lab estate seed", false, false))
		must(err, "snapshot %s of %s", sn, v.Name)
	}
	if v.Template {
		s.calls++
		must(vm.MarkAsTemplate(s.ctx), "mark %s as template", v.Name)
	}
}

// readBack records what vcsim generated (UUIDs) and checks power states and MACs against the plan.
func (s *seeder) readBack(vms []*vmPlan) {
	refs := make([]types.ManagedObjectReference, len(vms))
	for i, v := range vms {
		refs[i] = types.ManagedObjectReference{Type: "VirtualMachine", Value: v.Moid}
	}
	var out []mo.VirtualMachine
	must(s.pc.Retrieve(s.ctx, refs, []string{"config.uuid", "config.hardware.device", "runtime.powerState"}, &out),
		"read back VMs")
	byMoid := map[string]mo.VirtualMachine{}
	for _, o := range out {
		byMoid[o.Self.Value] = o
	}
	for _, v := range vms {
		o := byMoid[v.Moid]
		if o.Config == nil {
			log.Fatalf("read back %s: no config", v.Name)
		}
		v.UUID = o.Config.Uuid
		if string(o.Runtime.PowerState) != v.Power {
			log.Fatalf("%s: power state %s, want %s", v.Name, o.Runtime.PowerState, v.Power)
		}
		for i := range v.NICs {
			for _, d := range o.Config.Hardware.Device {
				if c, ok := d.(types.BaseVirtualEthernetCard); ok && c.GetVirtualEthernetCard().Key == v.NICs[i].Key &&
					c.GetVirtualEthernetCard().MacAddress != v.NICs[i].MAC {
					log.Fatalf("%s: NIC %d has MAC %s, want %s", v.Name, v.NICs[i].Key, c.GetVirtualEthernetCard().MacAddress,
						v.NICs[i].MAC)
				}
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Guest data: sparse -flat.vmdk files with blocks at known offsets, plus monolithicFlat descriptors.

type blockInfo struct {
	Offset int64  `json:"offset"`
	Length int64  `json:"length"`
	SHA256 string `json:"sha256"`
	What   string `json:"what"`
}

type dataFile struct {
	Disk          string      `json:"disk"` // datastore path of the descriptor, as in backing.fileName
	Key           int32       `json:"deviceKey"`
	Descriptor    string      `json:"descriptorPath"` // local paths
	Flat          string      `json:"flatPath"`
	CapacityBytes int64       `json:"capacityBytes"`
	Blocks        []blockInfo `json:"blocks"`
	FlatSHA256    string      `json:"flatSha256"`
}

type dataVM struct {
	VM         string     `json:"vm"`
	Datacenter string     `json:"datacenter"`
	Datastore  string     `json:"datastore"`
	PowerState string     `json:"powerState"`
	CBT        bool       `json:"cbt"`
	Files      []dataFile `json:"files"`
}

// pattern returns n deterministic pseudo-random bytes for seed (SHA-256 in counter mode).
func pattern(seed string, n int64) []byte {
	out := make([]byte, 0, n+32)
	var ctr [8]byte
	for i := uint64(0); int64(len(out)) < n; i++ {
		binary.BigEndian.PutUint64(ctr[:], i)
		sum := sha256.Sum256(append([]byte(seed), ctr[:]...))
		out = append(out, sum[:]...)
	}
	return out[:n]
}

func writeDataDisk(v *vmPlan, d diskPlan, dsURL string) dataFile {
	rel := strings.TrimPrefix(d.File, "["+v.Datastore+"] ")
	desc := filepath.Join(dsURL, rel)
	flat := strings.TrimSuffix(desc, ".vmdk") + "-flat.vmdk"
	size := d.CapacityKB * 1024
	f, err := os.OpenFile(flat, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	must(err, "open %s", flat)
	must(f.Truncate(size), "truncate %s", flat)
	df := dataFile{Disk: d.File, Key: d.Key, Descriptor: desc, Flat: flat, CapacityBytes: size}
	put := func(off int64, b []byte, what string) {
		_, err := f.WriteAt(b, off)
		must(err, "write %s", flat)
		sum := sha256.Sum256(b)
		df.Blocks = append(df.Blocks, blockInfo{Offset: off, Length: int64(len(b)), SHA256: hex.EncodeToString(sum[:]),
			What: what})
	}
	// sector 0: a boot-sector look-alike with a readable label and the 0x55AA signature
	mbr := make([]byte, 512)
	copy(mbr, fmt.Sprintf("FFO-TWIN LAB DISK vm=%s disk=%d key=%d", v.Name, d.Unit, d.Key))
	mbr[510], mbr[511] = 0x55, 0xaa
	put(0, mbr, "boot sector with label and 55AA signature")
	put(1<<20, pattern(v.Name+"/"+rel+"@1M", 64<<10), "64 KiB pseudo-random at 1 MiB")
	put(size/2+4096, []byte(fmt.Sprintf("MIDDLE-MARKER %s %s", v.Name, rel)), "text marker at capacity/2+4096, unaligned")
	put(size-(128<<10), pattern(v.Name+"/"+rel+"@end", 128<<10), "last 128 KiB pseudo-random")
	must(f.Close(), "close %s", flat)

	sectors := size / 512
	cyl := sectors / (255 * 63)
	thin, _ := provFlags(d.Prov)
	adapter := "lsilogic" // what ESXi writes for every SCSI controller type (pvscsi and lsilogic-sas included)
	cid := fmt.Sprintf("%08x", uint32(hsh(v.Name, rel, "cid")))
	text := fmt.Sprintf(`# Disk DescriptorFile
version=1
encoding="UTF-8"
CID=%s
parentCID=ffffffff
createType="monolithicFlat"

# Extent description
RW %d FLAT "%s" 0

# The Disk Data Base
#DDB

ddb.adapterType = "%s"
ddb.geometry.cylinders = "%d"
ddb.geometry.heads = "255"
ddb.geometry.sectors = "63"
ddb.longContentID = "%016x%016x"
ddb.thinProvisioned = "%d"
ddb.uuid = "%s"
ddb.virtualHWVersion = "%s"
`, cid, sectors, filepath.Base(flat), adapter, cyl, hsh(v.Name, rel, "lcid1"), hsh(v.Name, rel, "lcid2"),
		map[bool]int{true: 1, false: 0}[thin], ddbUUID(v.Name+"/"+rel), strings.TrimPrefix(v.HW, "vmx-"))
	must(os.WriteFile(desc, []byte(text), 0o644), "write %s", desc)
	df.FlatSHA256 = fileSHA(flat)
	return df
}

func ddbUUID(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	parts := make([]string, 16)
	for i := range parts {
		parts[i] = fmt.Sprintf("%02x", sum[i])
	}
	return strings.Join(parts, " ")
}

func fileSHA(p string) string {
	b, err := os.ReadFile(p)
	must(err, "read %s", p)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ---------------------------------------------------------------------------------------------------------------
// Manifest.

type manifest struct {
	Model       string                      `json:"model"`
	SeedVersion int                         `json:"seedVersion"`
	VCenter     map[string]string           `json:"vcenter"`
	Counts      map[string]int              `json:"counts"`
	Breakdown   map[string]map[string]int   `json:"breakdown"`
	Datacenters []dcPlan                    `json:"datacenters"`
	Portgroups  map[string][]map[string]any `json:"portgroups"`
	DataVMs     []dataVM                    `json:"dataDiskVms"`
	VMs         []*vmPlan                   `json:"vms"`
}

func buildManifest(u *url.URL, vms []*vmPlan, data []dataVM) manifest {
	m := manifest{Model: "estate", SeedVersion: seedVersion, Datacenters: estate, DataVMs: data, VMs: vms,
		VCenter:    map[string]string{"url": u.String(), "apiVersion": "6.5"},
		Counts:     map[string]int{},
		Breakdown:  map[string]map[string]int{},
		Portgroups: map[string][]map[string]any{"standard": {}, "distributed": {}}}
	inc := func(k, v string) {
		if m.Breakdown[k] == nil {
			m.Breakdown[k] = map[string]int{}
		}
		m.Breakdown[k][v]++
	}
	c := m.Counts
	c["datacenters"] = len(estate)
	for _, dc := range estate {
		c["clusters"] += len(dc.Clusters)
		for _, cl := range dc.Clusters {
			c["clusterHosts"] += len(cl.Hosts)
			c["resourcePools"] += len(cl.Pools)
		}
		c["standaloneHosts"] += len(dc.Standalone)
		c["datastores"] += len(dc.Datastores)
		c["distributedSwitches"] += len(dc.DVS)
		c["vmFolders"] += len(dc.Folders)
		for _, ds := range dc.Datastores {
			inc("datastoreType", ds.Kind)
		}
		for _, sw := range dc.DVS {
			for _, pg := range sw.Portgroups {
				c["distributedPortgroups"]++
				m.Portgroups["distributed"] = append(m.Portgroups["distributed"], map[string]any{"datacenter": dc.Name,
					"switch": sw.Name, "name": pg.Name, "vlan": pg.VLAN, "trunk": pg.Trunk})
			}
		}
		for _, pg := range dc.StdPortgroups {
			c["standardPortgroups"]++
			m.Portgroups["standard"] = append(m.Portgroups["standard"], map[string]any{"datacenter": dc.Name,
				"vswitch": "vSwitch0", "name": pg.Name, "vlan": pg.VLAN, "hosts": "all hosts of the datacenter"})
		}
	}
	c["hosts"] = c["clusterHosts"] + c["standaloneHosts"]
	for _, v := range vms {
		if v.Template {
			c["templates"]++
		} else {
			c["vms"]++
		}
		c["vmsAndTemplates"]++
		inc("powerState", v.Power)
		inc("guestId", v.GuestID)
		inc("firmware", v.Firmware)
		inc("hwVersion", v.HW)
		inc("datacenter", v.DC)
		inc("diskCount", fmt.Sprint(len(v.Disks)))
		inc("nicCount", fmt.Sprint(len(v.NICs)))
		if v.CBT {
			c["cbtEnabled"]++
		}
		if v.SecureBoot {
			c["secureBoot"]++
		}
		if v.ISO != "" {
			c["isoConnected"]++
		}
		if len(v.Snapshots) > 0 {
			c["vmsWithSnapshots"]++
			c["snapshots"] += len(v.Snapshots)
		}
		ctrls := map[string]bool{}
		for _, d := range v.Disks {
			c["disks"]++
			inc("diskProvisioning", d.Prov)
			ctrls[fmt.Sprint(d.Bus)+d.Controller] = true
			inc("diskController", d.Controller)
		}
		c["scsiControllers"] += len(ctrls)
		for _, n := range v.NICs {
			c["nics"]++
			inc("nicAdapter", n.Adapter)
			inc("nicNetworkKind", n.Kind)
			inc("nicNetwork", v.DC+"/"+n.Network)
		}
	}
	c["dataDiskVms"] = len(data)
	return m
}

// ---------------------------------------------------------------------------------------------------------------

func main() {
	log.SetFlags(0)
	log.SetPrefix("[vcsim-seed] ")
	vcURL := flag.String("url", os.Getenv("FFO_VCENTER_URL"), "SDK URL")
	user := flag.String("user", os.Getenv("FFO_VCENTER_USER"), "user name")
	password := flag.String("password", os.Getenv("FFO_VCENTER_PASSWORD"), "password")
	ca := flag.String("ca", os.Getenv("FFO_VCENTER_CA"), "CA certificate (PEM) to verify the server")
	dsRoot := flag.String("ds-root", "", "directory that holds the datastore directories (created)")
	out := flag.String("manifest", "", "write the estate manifest (JSON) here")
	planOnly := flag.Bool("plan", false, "print the planned estate counts and exit (no vCenter needed)")
	flag.Parse()

	if *planOnly {
		vms := planVMs(fakeNetInfo())
		m := buildManifest(&url.URL{}, vms, nil)
		b, _ := json.MarshalIndent(map[string]any{"counts": m.Counts, "breakdown": m.Breakdown}, "", "  ")
		fmt.Println(string(b))
		return
	}
	if *vcURL == "" || *dsRoot == "" || *out == "" {
		log.Fatal("need -url (or FFO_VCENTER_URL), -ds-root and -manifest")
	}
	t0 := time.Now()
	ctx := context.Background()
	u, err := soap.ParseURL(*vcURL)
	must(err, "parse url")
	sc := soap.NewClient(u, *ca == "")
	if *ca != "" {
		must(sc.SetRootCAs(*ca), "load CA %s", *ca)
	}
	c, err := vim25.NewClient(ctx, sc)
	must(err, "connect %s", *vcURL)
	must(session.NewManager(c).Login(ctx, url.UserPassword(*user, *password)), "login as %s", *user)
	s := &seeder{ctx: ctx, c: c, pc: property.DefaultCollector(c), dsRoot: *dsRoot,
		hosts: map[string]mo.HostSystem{}, clusters: map[string]*object.ClusterComputeResource{},
		pools: map[string]types.ManagedObjectReference{}, folders: map[string]*object.Folder{},
		dvpg: map[string]types.VirtualEthernetCardDistributedVirtualPortBackingInfo{}}

	// Already seeded? (idempotent: the estate is only ever built into an empty inventory)
	children, err := object.NewRootFolder(c).Children(ctx)
	must(err, "root folder")
	if len(children) > 0 {
		vm, err := object.NewSearchIndex(c).FindByInventoryPath(ctx, "/dc-paris/vm/Production/DB/db-pg-01")
		if err == nil && vm != nil {
			if _, err := os.Stat(*out); err == nil {
				log.Printf("estate already seeded (manifest %s); nothing to do", *out)
				return
			}
			log.Fatalf("estate present but manifest %s is missing; restart vcsim to re-seed", *out)
		}
		log.Fatalf("inventory is not empty and is not the lab estate; start vcsim with -dc 0 (vcsim.sh restart)")
	}
	must(os.MkdirAll(*dsRoot, 0o755), "mkdir %s", *dsRoot)

	netInfo := s.infra()
	tInfra := time.Since(t0)
	vms := planVMs(netInfo)
	for _, v := range vms {
		s.createVM(v)
	}
	tCreate := time.Since(t0)

	dsURL := map[string]string{}
	for _, dc := range estate {
		for _, ds := range dc.Datastores {
			dsURL[dc.Name+"/"+ds.Name] = ds.URL
		}
	}
	var data []dataVM
	for _, v := range vms {
		if !v.DataDisk {
			continue
		}
		dv := dataVM{VM: v.Name, Datacenter: v.DC, Datastore: v.Datastore, PowerState: v.Power, CBT: v.CBT}
		for _, d := range v.Disks {
			dv.Files = append(dv.Files, writeDataDisk(v, d, dsURL[v.DC+"/"+v.Datastore]))
		}
		data = append(data, dv)
	}
	for _, v := range vms {
		s.postCreate(v)
	}
	s.readBack(vms)

	m := buildManifest(u, vms, data)
	b, err := json.MarshalIndent(m, "", " ")
	must(err, "manifest")
	tmp := *out + ".tmp"
	must(os.WriteFile(tmp, append(b, '\n'), 0o644), "write manifest")
	must(os.Rename(tmp, *out), "write manifest")
	log.Printf("seeded %d VMs + %d templates, %d hosts, %d datastores, %d port groups in %.1fs "+
		"(infra %.1fs, create %.1fs, %d API calls); manifest %s", m.Counts["vms"], m.Counts["templates"],
		m.Counts["hosts"], m.Counts["datastores"], m.Counts["standardPortgroups"]+m.Counts["distributedPortgroups"],
		time.Since(t0).Seconds(), tInfra.Seconds(), (tCreate - tInfra).Seconds(), s.calls, *out)
}

// fakeNetInfo gives -plan the network kinds without a vCenter.
func fakeNetInfo() map[string]map[string]nicPlan {
	out := map[string]map[string]nicPlan{}
	for _, dc := range estate {
		out[dc.Name] = map[string]nicPlan{"VM Network": {Network: "VM Network", Kind: "standard", Switch: "vSwitch0"}}
		for _, pg := range dc.StdPortgroups {
			out[dc.Name][pg.Name] = nicPlan{Network: pg.Name, Kind: "standard", Switch: "vSwitch0", VLAN: pg.VLAN}
		}
		for _, sw := range dc.DVS {
			for _, pg := range sw.Portgroups {
				out[dc.Name][pg.Name] = nicPlan{Network: pg.Name, Kind: "distributed", Switch: sw.Name, VLAN: pg.VLAN,
					Trunk: pg.Trunk}
			}
		}
	}
	return out
}
