//go:build !windows

package camera

const permissionMessage = linuxPermissionMessage
