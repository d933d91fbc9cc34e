package camera

// Backend names the capture system of this platform, for logs and the settings.
const Backend = "Media Foundation"
