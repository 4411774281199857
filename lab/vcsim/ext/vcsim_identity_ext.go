// Lab add-on for govmomi 0.24.2 vcsim: a per-process vCenter identity.
// Stock vcsim reports the same ServiceContent.about.instanceUuid from every process, but FFO Twin keys the whole
// twin on that uuid; tests that run their own simulator set VCSIM_INSTANCE_UUID so their twin never collides
// with the lab's seeded estate or with each other.
package simulator

import (
	"os"

	"github.com/vmware/govmomi/simulator/vpx"
)

func init() {
	if id := os.Getenv("VCSIM_INSTANCE_UUID"); id != "" {
		vpx.ServiceContent.About.InstanceUuid = id
	}
}
