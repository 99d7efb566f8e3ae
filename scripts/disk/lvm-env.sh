# Sourced by the disk fixture scripts: the LVM2 tools on loop devices in a VM whose kernel has no
# device-mapper. lvm_env DIR writes an lvm.conf under DIR that turns activation, udev and backups off (LVs are
# created with -an -Zn and never activated; their bytes are placed or read by dd at the extents
# `lvs --segments -o seg_pe_ranges` reports), and exports LVM_SYSTEM_DIR. lvmq runs a tool without the
# warnings that setting makes it print.
lvm_env() {
  export LVM_SYSTEM_DIR="$1/lvmconf" LVM_SUPPRESS_FD_WARNINGS=1
  mkdir -p "$LVM_SYSTEM_DIR"
  cat >"$LVM_SYSTEM_DIR/lvm.conf" <<'CONF'
devices { use_devicesfile = 0 obtain_device_list_from_udev = 0 }
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
global { activation = 0 }
backup { backup = 0 archive = 0 }
CONF
}
lvmq() { "$@" 2>&1 | grep -v 'Activation disabled\|not zeroed' >&2 || true; }
