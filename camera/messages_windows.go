// Messages of this platform for UserMessage.

package camera

const permissionMessage = windowsPermissionMessage

// Media Foundation is missing only from Windows "N" editions without the Media Feature Pack.
const unsupportedMessage = "Caméra indisponible : Windows N sans Media Feature Pack. Installez-le " +
	"(Paramètres > Applications > Fonctionnalités facultatives) ou saisissez la contremarque."
