package camera

const permissionMessage = windowsPermissionMessage
