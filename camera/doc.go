// Package camera captures webcam frames and decodes the QR codes in them.
//
// Frames come from a [Source]: a V4L2 webcam on Linux ([OpenV4L2]), image
// files ([NewFileSource], [NewDirSource]) or a synthetic scene that shows a
// QR code ([NewSyntheticSource]). Every source yields [Frame] values holding
// a grey (luminance) plane, whatever the device sends (YUYV or MJPEG).
//
// A [Decoder] finds one QR code in a grey plane with gozxing, cheapest
// attempt first (docs/bench.md says which attempts and why). A [Pipeline] ties a source to a decoder: it always decodes
// the newest frame (older ones are dropped and counted), runs one decode at a
// time, hands decoded text to a callback and offers the newest frame to a
// preview consumer without ever delaying a decode.
//
// From a UI: list devices with [ListDevices] for the settings screen, open
// the chosen one with [OpenV4L2] (or a file or synthetic source for demos),
// create one [Pipeline] and call Run on a goroutine. Read Pipeline.Preview
// (a one-slot channel always holding the newest frame) to draw the preview
// and Pipeline.Results for decoded texts, hopping to the UI thread for each;
// when Run returns an error (device unplugged), show [UserMessage] and offer
// to reopen the device and Run again. See ExamplePipeline.
//
// The package has no UI dependency; messages meant for users are in French
// (see [UserMessage]); errors carry short English context and match the
// package's sentinel errors with errors.Is.
package camera
