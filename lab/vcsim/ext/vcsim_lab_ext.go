// Lab add-on for govmomi 0.24.2 vcsim: objects shared by several hosts, as a real vCenter models them.
// Dropped into github.com/vmware/govmomi/simulator/ by lab/vcsim/build.sh (vcsim-cbt only; the stock vcsim binary
// stays unpatched). The build renames the stock methods to stockAddPortGroup, stockCreateLocalDatastore and
// stockCreateNasDatastore; the methods below wrap them.
//
// Stock behaviour fixed here:
//   - AddPortGroup of a standard port group that already exists in the datacenter (i.e. on another host) fails with
//     DuplicateName, so a port group can only ever live on one host. Here the existing Network is reused.
//   - The new port group shows up only in HostNetworkSystem.networkInfo, never in HostSystem.config.network.portgroup
//     or .vswitch[].portgroup, HostSystem.network, Network.host or ComputeResource.network. Here all are kept in sync.
//   - CreateLocalDatastore/CreateNasDatastore with the same name and path on N hosts registers N objects with one
//     moref (the datastore folder lists it N times; Datastore.host has the last host only, none for NAS). Here the
//     first call creates the datastore and later calls mount it on the next host (shared VMFS/NFS semantics).
package simulator

import (
	"path"

	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func (s *HostNetworkSystem) AddPortGroup(ctx *Context, c *types.AddPortGroup) soap.HasFault {
	folder := s.folder()
	network, shared := Map.FindByName(c.Portgrp.Name, folder.ChildEntity).(*mo.Network)
	if !shared {
		r := s.stockAddPortGroup(ctx, c)
		if r.Fault() != nil {
			return r
		}
		network, _ = Map.FindByName(c.Portgrp.Name, folder.ChildEntity).(*mo.Network)
	} else {
		r := &methods.AddPortGroupBody{}
		var vswitch *types.HostVirtualSwitch
		for i := range s.NetworkInfo.Vswitch {
			if s.NetworkInfo.Vswitch[i].Name == c.Portgrp.VswitchName {
				vswitch = &s.NetworkInfo.Vswitch[i]
			}
		}
		if vswitch == nil {
			r.Fault_ = Fault("", &types.NotFound{})
			return r
		}
		for _, pg := range s.NetworkInfo.Portgroup {
			if pg.Spec.Name == c.Portgrp.Name {
				r.Fault_ = Fault("", &types.AlreadyExists{Name: c.Portgrp.Name})
				return r
			}
		}
		vswitch.Portgroup = append(vswitch.Portgroup, c.Portgrp.Name)
		s.NetworkInfo.Portgroup = append(s.NetworkInfo.Portgroup, types.HostPortGroup{
			Key:  "key-vim.host.PortGroup-" + c.Portgrp.Name,
			Spec: c.Portgrp,
		})
	}
	if network != nil {
		labSyncHostNetwork(ctx, s, c.Portgrp.VswitchName, network)
	}
	return &methods.AddPortGroupBody{Res: &types.AddPortGroupResponse{}}
}

// labSyncHostNetwork mirrors the host's port groups into HostSystem.config.network and links host <-> network.
func labSyncHostNetwork(ctx *Context, s *HostNetworkSystem, vswitchName string, network *mo.Network) {
	host := Map.Get(s.Host.Self).(*HostSystem)
	ctx.WithLock(host, func() {
		cfg := host.Config.Network
		cfg.Portgroup = append([]types.HostPortGroup(nil), s.NetworkInfo.Portgroup...)
		for i := range cfg.Vswitch {
			if cfg.Vswitch[i].Name != vswitchName {
				continue
			}
			var keys []string
			for _, pg := range cfg.Portgroup {
				if pg.Spec.VswitchName == vswitchName || (vswitchName == "vSwitch0" && pg.Spec.VswitchName == "") {
					keys = append(keys, pg.Key)
				}
			}
			cfg.Vswitch[i].Portgroup = keys
		}
		if FindReference(host.Network, network.Self) == nil {
			Map.Update(host, []types.PropertyChange{{Name: "network", Val: append(host.Network, network.Self)}})
		}
	})
	Map.AddReference(network, &network.Host, host.Self)
	if cr := hostParent(&host.HostSystem); cr != nil {
		Map.AddReference(cr, &cr.Network, network.Self)
	}
}

// labSharedDatastore returns the datastore of the host's datacenter with this name and backing path, if any.
func labSharedDatastore(dss *HostDatastoreSystem, name, url string) *Datastore {
	dc := Map.getEntityDatacenter(dss.Host)
	if dc == nil {
		return nil
	}
	for _, ref := range dc.Datastore {
		if ds, ok := Map.Get(ref).(*Datastore); ok && ds.Name == name && ds.Info.GetDatastoreInfo().Url == url {
			return ds
		}
	}
	return nil
}

// labMountDatastore mounts ds on the host of dss (idempotent).
func labMountDatastore(ctx *Context, dss *HostDatastoreSystem, ds *Datastore, mountPath string) {
	self := dss.Host.Self
	ctx.WithLock(ds, func() {
		for _, m := range ds.Host {
			if m.Key == self {
				return
			}
		}
		ds.Host = append(ds.Host, types.DatastoreHostMount{
			Key: self,
			MountInfo: types.HostMountInfo{
				Path:       mountPath,
				AccessMode: string(types.HostMountModeReadWrite),
				Mounted:    types.NewBool(true),
				Accessible: types.NewBool(true),
			},
		})
	})
	if FindReference(dss.Datastore, ds.Self) == nil {
		dss.Datastore = append(dss.Datastore, ds.Self)
	}
	dss.Host.Datastore = dss.Datastore
	if parent := hostParent(dss.Host); parent != nil {
		Map.AddReference(parent, &parent.Datastore, ds.Self)
	}
}

func (dss *HostDatastoreSystem) CreateLocalDatastore(ctx *Context, c *types.CreateLocalDatastore) soap.HasFault {
	if ds := labSharedDatastore(dss, c.Name, c.Path); ds != nil {
		labMountDatastore(ctx, dss, ds, c.Path)
		return &methods.CreateLocalDatastoreBody{Res: &types.CreateLocalDatastoreResponse{Returnval: ds.Self}}
	}
	return dss.stockCreateLocalDatastore(ctx, c)
}

func (dss *HostDatastoreSystem) CreateNasDatastore(ctx *Context, c *types.CreateNasDatastore) soap.HasFault {
	ds := labSharedDatastore(dss, path.Base(c.Spec.LocalPath), c.Spec.LocalPath)
	if ds == nil {
		r := dss.stockCreateNasDatastore(ctx, c)
		body, ok := r.(*methods.CreateNasDatastoreBody)
		if !ok || body.Res == nil {
			return r
		}
		ds, _ = Map.Get(body.Res.Returnval).(*Datastore)
		if ds == nil {
			return r
		}
	}
	labMountDatastore(ctx, dss, ds, c.Spec.LocalPath)
	return &methods.CreateNasDatastoreBody{Res: &types.CreateNasDatastoreResponse{Returnval: ds.Self}}
}
