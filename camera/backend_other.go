//go:build !linux && !windows

package camera

// Backend names the capture system of this platform: none here.
const Backend = ""
