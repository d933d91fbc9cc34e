// Package camera captures webcam frames and decodes the QR codes in them.
//
// Frames come from a [Source]: a V4L2 webcam on Linux ([OpenV4L2]), image
// files ([NewFileSource], [NewDirSource]) or a synthetic scene that shows a
// QR code ([NewSyntheticSource]). Every source yields [Frame] values holding
// a grey (luminance) plane, whatever the device sends (YUYV or MJPEG).
//
// A [Decoder] finds one QR code in a grey plane with gozxing, cheapest
// attempt first. A [Pipeline] ties a source to a decoder: it always decodes
// the newest frame (older ones are dropped and counted), runs one decode at a
// time, hands decoded text to a callback and offers the newest frame to a
// preview consumer without ever delaying a decode.
//
// The package has no UI dependency; messages meant for users are in French
// (see [UserMessage]).
package camera
