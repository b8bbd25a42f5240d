// The WASI preview-1 calls whisper.wasm uses, over files held in memory: just enough to run it in a
// browser. Files are {path: Uint8Array}; the module sees them under one preopened directory "/".
// Standard output and error go to callbacks, line by line as the module writes them.
export class WASIShim {
  constructor({ args, files, stdout, stderr }) {
    this.args = args.map((a) => new TextEncoder().encode(a + "\0"));
    this.files = files;               // path -> Uint8Array (outputs are added here)
    this.open = new Map();            // fd -> { path, data, position, writes }
    this.nextFd = 4;
    this.sinks = { 1: stdout, 2: stderr };
    this.pending = { 1: "", 2: "" };
    this.decoder = new TextDecoder();
    this.memory = null;
  }

  view() { return new DataView(this.memory.buffer); }
  bytes() { return new Uint8Array(this.memory.buffer); }
  string(pointer, length) { return this.decoder.decode(this.bytes().slice(pointer, pointer + length)); }

  emit(fd, text, flush = false) {
    this.pending[fd] += text;
    const lines = this.pending[fd].split("\n");
    this.pending[fd] = lines.pop();
    for (const line of lines) this.sinks[fd](line);
    if (flush && this.pending[fd]) { this.sinks[fd](this.pending[fd]); this.pending[fd] = ""; }
  }

  imports() {
    const ok = 0, EBADF = 8, ENOENT = 44, ENOTDIR = 54;
    const self = this;
    return {
      args_sizes_get(countPointer, sizePointer) {
        self.view().setUint32(countPointer, self.args.length, true);
        self.view().setUint32(sizePointer, self.args.reduce((n, a) => n + a.length, 0), true);
        return ok;
      },
      args_get(argvPointer, bufferPointer) {
        let offset = bufferPointer;
        self.args.forEach((a, i) => {
          self.view().setUint32(argvPointer + 4 * i, offset, true);
          self.bytes().set(a, offset);
          offset += a.length;
        });
        return ok;
      },
      fd_write(fd, iovs, count, writtenPointer) {
        let written = 0;
        for (let i = 0; i < count; i++) {
          const base = self.view().getUint32(iovs + 8 * i, true), length = self.view().getUint32(iovs + 8 * i + 4, true);
          const chunk = self.bytes().slice(base, base + length);
          if (fd === 1 || fd === 2) self.emit(fd, self.decoder.decode(chunk, { stream: true }));
          else if (self.open.has(fd)) self.open.get(fd).writes.push(chunk);
          else return EBADF;
          written += length;
        }
        self.view().setUint32(writtenPointer, written, true);
        return ok;
      },
      fd_read(fd, iovs, count, readPointer) {
        const file = self.open.get(fd);
        if (!file) return EBADF;
        let read = 0;
        for (let i = 0; i < count; i++) {
          const base = self.view().getUint32(iovs + 8 * i, true), length = self.view().getUint32(iovs + 8 * i + 4, true);
          const chunk = file.data.subarray(file.position, Math.min(file.data.length, file.position + length));
          self.bytes().set(chunk, base);
          file.position += chunk.length;
          read += chunk.length;
          if (chunk.length < length) break;
        }
        self.view().setUint32(readPointer, read, true);
        return ok;
      },
      fd_close(fd) {
        const file = self.open.get(fd);
        if (!file) return EBADF;
        if (file.writes.length) {
          const total = file.writes.reduce((n, c) => n + c.length, 0), data = new Uint8Array(total);
          let offset = 0;
          for (const c of file.writes) { data.set(c, offset); offset += c.length; }
          self.files[file.path] = data;
        }
        self.open.delete(fd);
        return ok;
      },
      fd_seek(fd, offset, whence, positionPointer) {
        const file = self.open.get(fd);
        if (!file) return EBADF;
        const base = whence === 0 ? 0 : whence === 1 ? file.position : file.data.length;
        file.position = Math.max(0, base + Number(offset));
        self.view().setBigUint64(positionPointer, BigInt(file.position), true);
        return ok;
      },
      fd_filestat_get(fd, statPointer) {
        const file = self.open.get(fd);
        if (!file) return EBADF;
        new Uint8Array(self.memory.buffer, statPointer, 64).fill(0);
        self.view().setUint8(statPointer + 16, 4);                       // a regular file
        self.view().setBigUint64(statPointer + 32, BigInt(file.data.length), true);
        return ok;
      },
      fd_prestat_get(fd, prestatPointer) {
        if (fd !== 3) return EBADF;
        self.view().setUint32(prestatPointer, 0, true);                  // a directory
        self.view().setUint32(prestatPointer + 4, 1, true);              // its name: "/"
        return ok;
      },
      fd_prestat_dir_name(fd, pathPointer, length) {
        if (fd !== 3) return EBADF;
        self.bytes()[pathPointer] = 47;                                  // "/"
        return ok;
      },
      path_open(dirFd, lookup, pathPointer, pathLength, openFlags, rightsBase, rightsInheriting, fdFlags, fdPointer) {
        if (dirFd !== 3) return ENOTDIR;
        const path = "/" + self.string(pathPointer, pathLength);
        const creating = (openFlags & 1) !== 0;
        if (!creating && !(path in self.files)) return ENOENT;
        const fd = self.nextFd++;
        self.open.set(fd, { path, data: creating ? new Uint8Array(0) : self.files[path], position: 0, writes: [] });
        self.view().setUint32(fdPointer, fd, true);
        return ok;
      },
      path_rename(fd, oldPointer, oldLength, newFd, newPointer, newLength) {
        const from = "/" + self.string(oldPointer, oldLength), to = "/" + self.string(newPointer, newLength);
        if (!(from in self.files)) return ENOENT;
        self.files[to] = self.files[from];
        delete self.files[from];
        return ok;
      },
      path_unlink_file(fd, pathPointer, pathLength) {
        delete self.files["/" + self.string(pathPointer, pathLength)];
        return ok;
      },
      clock_time_get(id, precision, timePointer) {
        self.view().setBigUint64(timePointer, BigInt(Math.round(performance.now() * 1e6)), true);
        return ok;
      },
      proc_exit(code) {
        self.emit(1, "", true);
        self.emit(2, "", true);
        throw new WASIExit(code);
      },
    };
  }

  /// Runs the module's _start; returns its exit status.
  async run(module) {
    const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: this.imports() });
    this.memory = instance.exports.memory;
    try {
      instance.exports._start();
      return 0;
    } catch (e) {
      if (e instanceof WASIExit) return e.code;
      throw e;
    } finally {
      this.memoryBytes = this.memory.buffer.byteLength;
    }
  }
}

export class WASIExit extends Error {
  constructor(code) { super(`exit ${code}`); this.code = code; }
}
