package main

import "sync"

// streamSink serialises writes onto one gRPC server stream. exec copies a child's stdout and stderr
// from two goroutines, and grpc-go forbids concurrent Send calls on a stream.
type streamSink struct {
	mu     sync.Mutex
	closed bool
}

// writer returns an io.Writer whose chunks are passed to send under the sink's lock.
func (s *streamSink) writer(send func([]byte) error) *sinkWriter {
	return &sinkWriter{sink: s, send: send}
}

// finish runs last (e.g. sending the exit code) and drops any output that straggles in afterwards,
// since the engine stops reading the stream at that point.
func (s *streamSink) finish(send func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return send()
}

type sinkWriter struct {
	sink *streamSink
	send func([]byte) error
}

func (w *sinkWriter) Write(p []byte) (int, error) {
	w.sink.mu.Lock()
	defer w.sink.mu.Unlock()
	if w.sink.closed || len(p) == 0 {
		return len(p), nil
	}
	// Copy: the caller may reuse p once Write returns.
	if err := w.send(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}
