//go:build !windows

package camera

const permissionMessage = linuxPermissionMessage

const unsupportedMessage = "Caméra indisponible sur cette plate-forme : saisissez la contremarque."
