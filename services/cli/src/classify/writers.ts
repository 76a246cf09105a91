import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import avro from 'avsc';
import { classificationType, toAvroRecord, toJsonLine, type ClassificationRecord } from '@lightbridge/pipeline';

/** One line of rejected.ndjson: an input that produced no classification, and why. */
export interface RejectedRecord {
  /** File path, or `archive!member` for an archive member. */
  source: string;
  reason: string;
  message: string;
  objectId?: string;
  candid?: string;
}

/** Writes a stream of lines, waiting when the file's buffer is full. */
class LineFile {
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path);
  }

  async write(line: string): Promise<void> {
    if (!this.stream.write(`${line}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/** The three output files of `classify`: classifications as NDJSON and Avro, and rejected inputs. */
export class ClassificationFiles {
  private readonly ndjson: LineFile;
  private readonly rejected: LineFile;
  private readonly avroEncoder: avro.streams.BlockEncoder;
  private readonly avroFile: WriteStream;

  constructor(paths: { ndjson: string; avro: string; rejected: string }) {
    this.ndjson = new LineFile(paths.ndjson);
    this.rejected = new LineFile(paths.rejected);
    this.avroFile = createWriteStream(paths.avro);
    this.avroEncoder = new avro.streams.BlockEncoder(classificationType, { codec: 'deflate' });
    this.avroEncoder.pipe(this.avroFile);
  }

  async writeClassification(record: ClassificationRecord): Promise<void> {
    await this.ndjson.write(toJsonLine(record));
    if (!this.avroEncoder.write(toAvroRecord(record))) await once(this.avroEncoder, 'drain');
  }

  async writeRejected(record: RejectedRecord): Promise<void> {
    await this.rejected.write(JSON.stringify(record));
  }

  async close(): Promise<void> {
    this.avroEncoder.end();
    await once(this.avroFile, 'finish');
    await this.ndjson.close();
    await this.rejected.close();
  }
}
