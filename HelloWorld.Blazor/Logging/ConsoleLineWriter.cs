using System.Collections.Concurrent;
using System.Text;

namespace HelloWorld.Blazor.Logging;

/// <summary>
/// Hands formatted log lines from the threads that log to one writer thread, which writes whatever has gathered in one
/// write. Microsoft's console logger takes a lock and wakes its writer for each line, and writes each line on its own:
/// under load the request threads queued on that lock and the wake-ups cost more than the lines (bench/README.md, "second
/// pass"). Here a logging thread only adds to a lock-free queue, and wakes the writer only when it was idle; the writer
/// lingers a moment after waking so that the lines of the next few requests go out with the same write.
/// </summary>
/// <remarks>
/// Never blocks a logging thread and never drops a line without saying so: past <c>capacity</c> waiting lines a line is
/// dropped and counted, and the next write starts with a line saying how many were lost.
/// <see cref="Dispose"/> writes every waiting line before it returns; a line logged after that is written at once, by the
/// thread that logs it.
/// </remarks>
public sealed class ConsoleLineWriter : IDisposable
{
    /// <summary>How long the writer waits after waking before it writes, gathering the lines logged meanwhile.</summary>
    public static readonly TimeSpan DefaultLinger = TimeSpan.FromMilliseconds(10);

    private readonly ConcurrentQueue<(string Text, bool ToError)> _lines = new();
    private readonly AutoResetEvent _wake = new(initialState: false);
    private readonly ManualResetEvent _stopping = new(initialState: false);
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly int _capacity;
    private readonly TimeSpan _linger;
    private readonly Func<long, string> _droppedLine;
    private readonly Thread _thread;
    private readonly Lock _stop = new();
    private readonly StringBuilder _batch = new();
    private int _waiting;
    private long _dropped;
    private volatile bool _completed;
    private bool _broken;

    /// <param name="output">Where lines go (the process's standard output).</param>
    /// <param name="error">Where lines logged to standard error go.</param>
    /// <param name="capacity">Lines that may wait for the writer; more are dropped and counted.</param>
    /// <param name="droppedLine">The line that reports how many lines were dropped, formatted as the others.</param>
    public ConsoleLineWriter(TextWriter output, TextWriter error, int capacity, TimeSpan linger, Func<long, string> droppedLine)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _output = output;
        _error = error;
        _capacity = capacity;
        _linger = linger;
        _droppedLine = droppedLine;
        // A thread of its own, as Microsoft's console logger has: a blocking write to a slow console must not hold a
        // thread-pool thread that requests need.
        _thread = new Thread(WriteLoop) { IsBackground = true, Name = "Console log writer" };
        _thread.Start();
    }

    /// <summary>Lines dropped because <c>capacity</c> lines were already waiting (reported in the output too).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Add(string text, bool toError)
    {
        if (Volatile.Read(ref _waiting) >= _capacity)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        _lines.Enqueue((text, toError));
        // Only the line that finds the writer idle wakes it; the writer counts the lines down as it writes them.
        if (Interlocked.Increment(ref _waiting) == 1)
        {
            _wake.Set();
        }
        if (_completed)
        {
            // The writer may have taken its last look before this line: written here, in order, once it has stopped.
            lock (_stop)
            {
                WriteWaiting();
            }
        }
    }

    /// <summary>Writes every line still waiting, then stops the writer thread.</summary>
    public void Dispose()
    {
        lock (_stop)
        {
            if (_completed)
            {
                return;
            }
            // Set under the lock and held until the writer has stopped: a logging thread that sees it set and takes the
            // lock to write its own line finds the writer gone and every earlier line written.
            _completed = true;
            _stopping.Set();
            _wake.Set();
            _thread.Join();
            WriteWaiting();
        }
        // _wake is left to its finalizer: a thread that logs while this runs may still set it.
        _stopping.Dispose();
    }

    private void WriteLoop()
    {
        while (!_completed)
        {
            _wake.WaitOne();
            if (_linger > TimeSpan.Zero)
            {
                _stopping.WaitOne(_linger); // cut short by Dispose
            }
            // Written until no line is left uncounted: a line added while writing is written now, without a wake-up.
            while (WriteWaiting() > 0 && !_completed)
            {
            }
        }
        WriteWaiting();
    }

    /// <summary>Writes what is in the queue as one batch per stream; returns how many lines are still counted as waiting.</summary>
    private int WriteWaiting()
    {
        var written = 0;
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0)
        {
            _batch.Append(_droppedLine(dropped));
            Flush(toError: false);
        }
        var toError = false;
        while (_lines.TryDequeue(out var line))
        {
            if (line.ToError != toError)
            {
                Flush(toError);
                toError = line.ToError;
            }
            _batch.Append(line.Text);
            written++;
        }
        Flush(toError);
        return written == 0 ? Volatile.Read(ref _waiting) : Interlocked.Add(ref _waiting, -written);
    }

    private void Flush(bool toError)
    {
        if (_batch.Length == 0)
        {
            return;
        }
        if (!_broken)
        {
            try
            {
                var writer = toError ? _error : _output;
                writer.Write(_batch);
                writer.Flush();
            }
            catch (IOException)
            {
                // The console is gone (a closed pipe): there is nowhere left to say so, and logging must not fail the app.
                _broken = true;
            }
            catch (ObjectDisposedException)
            {
                _broken = true;
            }
        }
        _batch.Clear();
        if (_batch.Capacity > 64 * 1024)
        {
            _batch.Capacity = 64 * 1024;
        }
    }
}
