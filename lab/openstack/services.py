#!/usr/bin/python3
"""Run several services of one OpenStack project in ONE python process (one oslo.service ServiceLauncher).

    services.py nova-control   --config-file nova.conf   --log-file nova-control.log
        nova-api (osapi_compute WSGI) + nova-conductor + nova-scheduler
    services.py cinder-control --config-file cinder.conf --log-file cinder-control.log
        cinder-api (osapi_volume WSGI) + cinder-scheduler + cinder-volume (one service per enabled backend)

Why: start-up of the lab cloud is CPU-bound on 2 cores and every OpenStack python process pays ~3-4 CPU-s
of imports and eventlet monkey-patching; sharing one process per project saves ~10 CPU-s per start and
~500 MB. Each service is exactly what Debian's /usr/bin/<service> main() builds (same classes, same
config, same service rows: nova-conductor, nova-scheduler, cinder-scheduler, cinder-volume ...), minus the
fork (cinder-volume runs its backends in-process, as it does on Windows). It is how nova's own functional
tests run several services in one process. nova-compute must stay separate: it has no DB access and
reaches the DB through the conductor.
"""
import shlex
import sys


def nova_control():
    import nova.monkey_patch  # noqa: F401  (eventlet first, as every nova entry point does)
    from oslo_log import log as logging
    from oslo_service import service as os_service

    import nova.conf
    from nova.conductor import rpcapi as conductor_rpcapi
    from nova import config
    from nova import objects
    from nova.scheduler import rpcapi as scheduler_rpcapi
    from nova import service

    conf = nova.conf.CONF
    config.parse_args(sys.argv)
    logging.setup(conf, "nova")
    objects.register_all()
    objects.Service.enable_min_version_cache()
    launcher = os_service.ServiceLauncher(conf, restart_method="mutate")
    launcher.launch_service(service.Service.create(binary="nova-conductor", topic=conductor_rpcapi.RPC_TOPIC))
    launcher.launch_service(service.Service.create(binary="nova-scheduler", topic=scheduler_rpcapi.RPC_TOPIC))
    launcher.launch_service(service.WSGIService("osapi_compute", use_ssl=False))
    launcher.wait()


def cinder_control():
    import eventlet
    eventlet.monkey_patch()
    import __original_module_threading as orig_threading  # noqa (as cinder/cmd/api.py does)
    import threading
    orig_threading.current_thread.__globals__["_active"] = threading._active
    import logging as python_logging

    from oslo_config import cfg
    from oslo_log import log as logging
    from oslo_service import service as os_service

    from cinder import i18n
    i18n.enable_lazy()
    import os_brick
    from oslo_privsep import priv_context
    from cinder.cmd import volume as volume_cmd  # registers cinder-volume's CLI options before parsing
    from cinder.common import config
    from cinder import coordination
    from cinder import objects
    from cinder import rpc
    from cinder import service
    from cinder import utils
    from cinder import version

    conf = cfg.CONF
    objects.register_all()
    conf(sys.argv[1:], project="cinder", version=version.version_string())
    config.set_middleware_defaults()
    logging.setup(conf, "cinder")
    python_logging.captureWarnings(True)
    priv_context.init(root_helper=shlex.split(utils.get_root_helper()))
    utils.monkey_patch()
    os_brick.setup(conf)
    volume_cmd.LOG = logging.getLogger(volume_cmd.__name__)
    coordination.COORDINATOR.start()
    rpc.init(conf)
    launcher = os_service.ServiceLauncher(conf, restart_method="mutate")
    launcher.launch_service(service.Service.create(binary="cinder-scheduler"))
    launcher.launch_service(service.WSGIService("osapi_volume"))
    for backend in filter(None, conf.enabled_backends):
        volume_cmd._launch_service(launcher, backend)  # cinder-volume "<host>@<backend>"
    launcher.wait()


if __name__ == "__main__":
    which = sys.argv.pop(1) if len(sys.argv) > 1 else ""
    sys.argv[0] = which
    if which == "nova-control":
        sys.exit(nova_control())
    elif which == "cinder-control":
        sys.exit(cinder_control())
    sys.exit("usage: services.py nova-control|cinder-control --config-file FILE --log-file FILE")
