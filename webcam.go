package main

import (
	"context"
	"errors"
	"log/slog"

	"guichet/camera"
)

// webcam is the counter screen's scanner on the camera package: a capture device (V4L2 on
// Linux, Media Foundation on Windows), or a synthetic camera filming a given payload (demos
// and the smoke test under Xvfb).
type webcam struct {
	synthetic string // payload of the synthetic camera; "" for a real device
	log       *slog.Logger
}

// Devices lists the capture devices by what Open takes (a path on Linux, a name on Windows).
func (w webcam) Devices() ([]string, error) {
	if w.synthetic != "" {
		return []string{"synthétique"}, nil
	}
	ds, err := camera.ListDevices()
	w.log.Info("camera: devices listed", "backend", camera.Backend, "devices", len(ds), "err", err)
	if err != nil {
		return nil, errors.New(camera.UserMessage(err))
	}
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Path
	}
	return out, nil
}

// Run opens the source and runs the decoding pipeline until ctx ends.
func (w webcam) Run(ctx context.Context, device string, onFrame func([]byte, int, int), onText func(string)) error {
	var src camera.Source
	var err error
	if w.synthetic != "" {
		src, err = camera.NewSyntheticSource(camera.SyntheticOptions{Payload: w.synthetic, FPS: 15, Motion: true, Noise: 4})
	} else {
		src, err = camera.Open(camera.Options{Device: device})
	}
	if err != nil {
		w.log.Warn("camera: not opened", "backend", camera.Backend, "device", device, "err", err,
			"message", camera.UserMessage(err))
		return errors.New(camera.UserMessage(err))
	}
	defer src.Close()
	p := camera.NewPipeline(nil, camera.PipelineOptions{})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, src) }()
	for {
		select {
		case f := <-p.Preview():
			onFrame(f.Gray, f.Width, f.Height)
		case r := <-p.Results():
			onText(r.Text)
		case err := <-done:
			if err != nil && ctx.Err() == nil {
				w.log.Warn("camera: stopped", "backend", camera.Backend, "err", err)
				return errors.New(camera.UserMessage(err))
			}
			return nil
		}
	}
}
