// Lab add-on for govmomi 0.24.2 vcsim: a test-grade Changed Block Tracking emulation.
// Dropped into github.com/vmware/govmomi/simulator/ by lab/vcsim/build.sh (binary vcsim-cbt),
// together with a one-line hook in CreateSnapshotTask (cbtOnSnapshot).
//
// Model:
//   - CreateSnapshot on a VM with config.changeTrackingEnabled=true gives each disk in the
//     snapshot's config a fresh backing.changeId ("<uuid>/<seq>") and records a per-64KiB-block
//     hash list of the disk's -flat.vmdk file on the datastore at that moment.
//   - QueryChangedDiskAreas(snapshot, deviceKey, startOffset, changeId):
//       changeId "*"  -> allocated (non-hole) extents of the -flat.vmdk (SEEK_DATA/SEEK_HOLE),
//       changeId id   -> blocks whose content differs from the state recorded for id.
//     The *current* flat file is read (vcsim has no delta disks, so snapshots don't freeze data).
//   - CBT disabled -> FileFault; unknown changeId -> InvalidArgument; unknown deviceKey -> InvalidArgument.
package simulator

import (
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

const cbtBlock = 64 * 1024

var cbtState = struct {
	sync.Mutex
	seq    int
	hashes map[string][]uint64 // changeId -> per-block hashes
}{hashes: map[string][]uint64{}}

func cbtFlatPath(vm *VirtualMachine, fileName string) (string, types.BaseMethodFault) {
	p, fault := parseDatastorePath(fileName)
	if fault != nil {
		return "", fault
	}
	host := Map.Get(*vm.Runtime.Host).(*HostSystem)
	ds, ok := Map.FindByName(p.Datastore, host.Datastore).(*Datastore)
	if !ok {
		return "", &types.InvalidDatastore{Name: p.Datastore}
	}
	flat := strings.TrimSuffix(p.Path, ".vmdk") + "-flat.vmdk"
	return path.Join(ds.Info.GetDatastoreInfo().Url, flat), nil
}

func cbtHashes(file string) ([]uint64, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []uint64
	buf := make([]byte, cbtBlock)
	for {
		n, err := io.ReadFull(f, buf)
		if n > 0 {
			for i := n; i < cbtBlock; i++ {
				buf[i] = 0
			}
			s := sha1.Sum(buf)
			out = append(out, binary.LittleEndian.Uint64(s[:8]))
		}
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func cbtZeroHash() uint64 {
	s := sha1.Sum(make([]byte, cbtBlock))
	return binary.LittleEndian.Uint64(s[:8])
}

func cbtCapacity(d *types.VirtualDisk) int64 {
	if d.CapacityInBytes > 0 {
		return d.CapacityInBytes
	}
	return d.CapacityInKB * 1024
}

// cbtOnSnapshot is called from CreateSnapshotTask right after snapshot.Config = *vm.Config.
func cbtOnSnapshot(snapshot *VirtualMachineSnapshot, vm *VirtualMachine) {
	if vm.Config.ChangeTrackingEnabled == nil || !*vm.Config.ChangeTrackingEnabled {
		return
	}
	devices := make([]types.BaseVirtualDevice, len(snapshot.Config.Hardware.Device))
	copy(devices, snapshot.Config.Hardware.Device)
	for i, d := range devices {
		vd, ok := d.(*types.VirtualDisk)
		if !ok {
			continue
		}
		b, ok := vd.Backing.(*types.VirtualDiskFlatVer2BackingInfo)
		if !ok {
			continue
		}
		file, fault := cbtFlatPath(vm, b.FileName)
		if fault != nil {
			continue
		}
		h, _ := cbtHashes(file) // missing file -> empty disk
		cbtState.Lock()
		cbtState.seq++
		id := fmt.Sprintf("%s/%d", uuid.New().String(), cbtState.seq)
		cbtState.hashes[id] = h
		cbtState.Unlock()

		nd := *vd
		nb := *b
		nb.ChangeId = id
		nd.Backing = &nb
		devices[i] = &nd
		b.ChangeId = id // live disk reports the latest changeId as well
	}
	snapshot.Config.Hardware.Device = devices
}

func (vm *VirtualMachine) QueryChangedDiskAreas(ctx *Context, req *types.QueryChangedDiskAreas) soap.HasFault {
	body := new(methods.QueryChangedDiskAreasBody)
	fail := func(f types.BaseMethodFault) soap.HasFault {
		body.Fault_ = Fault("", f)
		return body
	}
	if vm.Config.ChangeTrackingEnabled == nil || !*vm.Config.ChangeTrackingEnabled {
		return fail(&types.FileFault{File: vm.Config.Files.VmPathName})
	}
	devices := vm.Config.Hardware.Device
	if req.Snapshot != nil {
		s, ok := Map.Get(*req.Snapshot).(*VirtualMachineSnapshot)
		if !ok {
			return fail(&types.ManagedObjectNotFound{Obj: *req.Snapshot})
		}
		devices = s.Config.Hardware.Device
	}
	var disk *types.VirtualDisk
	for _, d := range devices {
		if vd, ok := d.(*types.VirtualDisk); ok && vd.Key == req.DeviceKey {
			disk = vd
		}
	}
	if disk == nil {
		return fail(&types.InvalidArgument{InvalidProperty: "deviceKey"})
	}
	b, ok := disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo)
	if !ok {
		return fail(&types.NotSupported{})
	}
	file, fault := cbtFlatPath(vm, b.FileName)
	if fault != nil {
		return fail(fault)
	}
	capacity := cbtCapacity(disk)
	if req.StartOffset < 0 || req.StartOffset > capacity {
		return fail(&types.InvalidArgument{InvalidProperty: "startOffset"})
	}

	var changed []types.DiskChangeExtent
	add := func(start, length int64) {
		if start < req.StartOffset {
			length -= req.StartOffset - start
			start = req.StartOffset
		}
		if start+length > capacity {
			length = capacity - start
		}
		if length <= 0 {
			return
		}
		if n := len(changed); n > 0 && changed[n-1].Start+changed[n-1].Length == start {
			changed[n-1].Length += length
			return
		}
		changed = append(changed, types.DiskChangeExtent{Start: start, Length: length})
	}

	if req.ChangeId == "*" {
		f, err := os.Open(file)
		if err == nil {
			defer f.Close()
			st, _ := f.Stat()
			size := st.Size()
			for off := int64(0); off < size; {
				data, err := f.Seek(off, 3 /* SEEK_DATA */)
				if err != nil {
					break
				}
				hole, err := f.Seek(data, 4 /* SEEK_HOLE */)
				if err != nil {
					hole = size
				}
				s := data / cbtBlock * cbtBlock
				e := (hole + cbtBlock - 1) / cbtBlock * cbtBlock
				add(s, e-s)
				off = hole
			}
		}
	} else {
		cbtState.Lock()
		base, ok := cbtState.hashes[req.ChangeId]
		cbtState.Unlock()
		if !ok {
			return fail(&types.InvalidArgument{InvalidProperty: "changeId"})
		}
		cur, _ := cbtHashes(file)
		zero := cbtZeroHash()
		n := len(cur)
		if len(base) > n {
			n = len(base)
		}
		for i := 0; i < n; i++ {
			a, b := zero, zero
			if i < len(base) {
				a = base[i]
			}
			if i < len(cur) {
				b = cur[i]
			}
			if a != b {
				add(int64(i)*cbtBlock, cbtBlock)
			}
		}
	}

	body.Res = &types.QueryChangedDiskAreasResponse{Returnval: types.DiskChangeInfo{
		StartOffset: req.StartOffset,
		Length:      capacity - req.StartOffset,
		ChangedArea: changed,
	}}
	return body
}
