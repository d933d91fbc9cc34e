package cache

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

// The journal makes the outbox's new events durable with one small write and one fdatasync per
// scan, in place of a synchronous=FULL commit of the outbox (which appends four to five pages to
// a growing log and syncs it: three to five times slower at the 99th percentile on this kind of
// machine, docs/bench.md).
//
// journal.log is preallocated (written with zeros once, so that a record never grows the file
// and the sync has no metadata to write) and starts with a header: a magic string and a
// generation. Each record carries the generation, a sequence number and a CRC-32C, and is
// either the events of one outbox transaction or the voiding of records whose transaction did not
// commit. The outbox itself runs with synchronous=NORMAL: its commits survive a killed process
// (the kernel has them) but not a power cut; after a cut, Open replays the journal's records
// into the outbox. Once a checkpoint has made the outbox file durable, the journal starts a new
// generation (Checkpoint), which makes every earlier record stale at once.
type journal struct {
	f    *os.File
	gen  uint64
	seq  uint64 // the last record's sequence number in this generation
	off  int64  // where the next record goes
	size int64
	// broken: a write or sync failed, so the file may hold a record nobody may rely on (or a
	// header of uncertain generation); nothing is appended until a checkpoint and a new
	// generation have succeeded (Cache.logged).
	broken bool
	sync   func(*os.File) error // datasync; tests make it fail
}

const (
	journalMagic  = "GUICHETJ"
	journalHeader = 16        // magic, generation
	journalSize   = 256 << 10 // about 1 300 scans between two checkpoints (the engine's loop checkpoints every few seconds)
	recordHeader  = 24        // length, CRC-32C, generation, sequence
	maxRecord     = 16 << 10
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// errJournalFull says that the journal has no room for a record: the caller checkpoints the
// outbox and starts a new generation.
var errJournalFull = errors.New("journal full")

// journalRecord is one record: the events an outbox transaction wrote, or the sequence numbers
// of records whose transaction failed after they were written.
type journalRecord struct {
	Events []journalEvent `json:"e,omitempty"`
	Void   []uint64       `json:"v,omitempty"`
}

type journalEvent struct {
	Nonce     string  `json:"n"`
	Token     string  `json:"t"`
	Kind      string  `json:"k"`
	Mode      string  `json:"m"`
	ScannedUS int64   `json:"s"`
	Verdict   string  `json:"l"`
	Undoes    *string `json:"u,omitempty"`
}

// openJournal opens path, creating and preallocating it when absent, and returns it with the
// records of its current generation (a torn or stale record ends them).
func openJournal(path string) (*journal, []journalRecord, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open journal: %w", err)
	}
	j := &journal{f: f, size: journalSize, sync: datasync}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("open journal: %w", err)
	}
	hdr := make([]byte, journalHeader)
	if fi.Size() >= journalSize {
		j.size = fi.Size()
		if _, err := f.ReadAt(hdr, 0); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("read journal: %w", err)
		}
	}
	if string(hdr[:8]) != journalMagic { // new, or never finished its first header: nothing in it was promised
		if err := j.preallocate(); err != nil {
			f.Close()
			return nil, nil, err
		}
		return j, nil, nil
	}
	j.gen = binary.LittleEndian.Uint64(hdr[8:])
	recs, err := j.read()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return j, recs, nil
}

// preallocate writes the whole file (zeros, then the header of generation 1) and syncs it.
func (j *journal) preallocate() error {
	zeros := make([]byte, 64<<10)
	for off := int64(0); off < j.size; off += int64(len(zeros)) {
		if _, err := j.f.WriteAt(zeros[:min(int64(len(zeros)), j.size-off)], off); err != nil {
			return fmt.Errorf("preallocate journal: %w", err)
		}
	}
	if err := j.f.Sync(); err != nil { // the size too, once
		return fmt.Errorf("preallocate journal: %w", err)
	}
	return j.restart(1)
}

// read returns the records of the current generation, from the header on.
func (j *journal) read() ([]journalRecord, error) {
	r := io.NewSectionReader(j.f, 0, j.size)
	j.off, j.seq = journalHeader, 0
	var recs []journalRecord
	head := make([]byte, recordHeader)
	for j.off+recordHeader <= j.size {
		if _, err := r.ReadAt(head, j.off); err != nil {
			return nil, fmt.Errorf("read journal: %w", err)
		}
		n := int64(binary.LittleEndian.Uint32(head[0:]))
		gen, seq := binary.LittleEndian.Uint64(head[8:]), binary.LittleEndian.Uint64(head[16:])
		if n == 0 || n > maxRecord || j.off+recordHeader+n > j.size || gen != j.gen || seq != j.seq+1 {
			break // the end: zeros, an earlier generation's record or a torn one
		}
		body := make([]byte, n)
		if _, err := r.ReadAt(body, j.off+recordHeader); err != nil {
			return nil, fmt.Errorf("read journal: %w", err)
		}
		crc := crc32.Update(crc32.Checksum(head[8:], crcTable), crcTable, body)
		var rec journalRecord
		if crc != binary.LittleEndian.Uint32(head[4:]) || json.Unmarshal(body, &rec) != nil {
			break // torn by a crash during its write: its transaction never committed
		}
		recs = append(recs, rec)
		j.off, j.seq = j.off+recordHeader+n, seq
	}
	return recs, nil
}

// append writes a record and makes it durable; it returns the record's sequence number, or
// errJournalFull when the rest of the file cannot hold it. When the write or the sync fails, the
// record may still reach the disk: its sequence number is returned with the error, for the caller
// to void it, and the journal is broken until its next generation.
func (j *journal) append(rec journalRecord) (uint64, error) {
	body, err := json.Marshal(rec)
	if err != nil {
		return 0, fmt.Errorf("journal: %w", err)
	}
	if len(body) > maxRecord {
		return 0, fmt.Errorf("journal: a record of %d bytes", len(body))
	}
	if j.off+recordHeader+int64(len(body)) > j.size {
		return 0, errJournalFull
	}
	buf := make([]byte, recordHeader+len(body))
	binary.LittleEndian.PutUint32(buf[0:], uint32(len(body)))
	binary.LittleEndian.PutUint64(buf[8:], j.gen)
	binary.LittleEndian.PutUint64(buf[16:], j.seq+1)
	copy(buf[recordHeader:], body)
	binary.LittleEndian.PutUint32(buf[4:], crc32.Checksum(buf[8:], crcTable))
	_, werr := j.f.WriteAt(buf, j.off)
	j.off += int64(len(buf))
	j.seq++
	if werr != nil {
		j.broken = true
		return j.seq, fmt.Errorf("write journal: %w", werr)
	}
	if err := j.sync(j.f); err != nil {
		j.broken = true
		return j.seq, fmt.Errorf("sync journal: %w", err)
	}
	return j.seq, nil
}

// free is the room left for records.
func (j *journal) free() int64 { return j.size - j.off }

// restart begins generation gen: every record written before is stale from the moment the
// header is durable.
func (j *journal) restart(gen uint64) error {
	hdr := make([]byte, journalHeader)
	copy(hdr, journalMagic)
	binary.LittleEndian.PutUint64(hdr[8:], gen)
	j.gen, j.seq, j.off, j.broken = gen, 0, journalHeader, true // until the header is durable
	if _, err := j.f.WriteAt(hdr, 0); err != nil {
		return fmt.Errorf("restart journal: %w", err)
	}
	if err := j.sync(j.f); err != nil {
		return fmt.Errorf("restart journal: %w", err)
	}
	j.broken = false
	return nil
}

func (j *journal) close() error { return j.f.Close() }
