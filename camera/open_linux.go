package camera

// Open opens a capture device: V4L2 on Linux.
func Open(o Options) (Source, error) { return OpenV4L2(o) }
