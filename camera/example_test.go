package camera_test

import (
	"context"
	"fmt"
	"time"

	"guichet/camera"
)

// A UI runs the pipeline on its own goroutine and reads two channels: the
// newest frame for the preview (it may skip frames, capture and decoding
// never wait for it) and decoded texts. With Fyne, each read would hop to
// the UI thread with fyne.Do.
func ExamplePipeline() {
	src, err := camera.NewSyntheticSource(camera.SyntheticOptions{Payload: "PASSCULTURE:v3;TOKEN:ABC234", FPS: 30})
	if err != nil {
		fmt.Println(camera.UserMessage(err))
		return
	}
	defer src.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()

	p := camera.NewPipeline(nil, camera.PipelineOptions{})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, src) }()
	for {
		select {
		case f := <-p.Preview():
			_ = f // draw f.Gray (f.Width x f.Height) in the preview
		case r := <-p.Results():
			fmt.Println(r.Text) // hand to the countermark parser
			cancel()
		case err := <-done:
			if err != nil {
				fmt.Println(camera.UserMessage(err))
			}
			return
		}
	}
	// Output: PASSCULTURE:v3;TOKEN:ABC234
}
