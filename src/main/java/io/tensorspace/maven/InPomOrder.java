package io.tensorspace.maven;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;

/**
 * Runs one task per model, several at once, yet logs and fails as if they ran one after the other
 * in POM order: a model's log lines wait until every model before it has finished (the first
 * unfinished one logs as it goes, so a long conversion still shows progress), and the first model
 * in POM order that failed decides the build's failure; later failures are logged where their
 * model's lines are. Every task runs to its end, none is interrupted, so none leaves its output
 * half-written, and the log is the same with one thread or several. Only the mojo's thread writes
 * to the build log, as Maven expects (its per-project logging follows the thread).
 */
final class InPomOrder {
  /** One model's work, logging to its own log. */
  @FunctionalInterface
  interface Task {
    void run(Log log) throws MojoExecutionException, MojoFailureException;
  }

  private final Log log;
  /** The mojo's thread, the only one that writes to the log. */
  private final Thread mojo = Thread.currentThread();
  private final List<Slot> slots = new ArrayList<>();
  /** The first slot not finished and written yet: the one whose lines are written now. */
  private int head;
  private Slot firstFailure;

  private InPomOrder(Log log, int tasks) {
    this.log = log;
    for (int i = 0; i < tasks; i++) {
      slots.add(new Slot(i));
    }
  }

  /** Runs the tasks on up to {@code threads} threads (1: one after the other, on this one). */
  static void run(Log log, int threads, List<Task> tasks)
      throws MojoExecutionException, MojoFailureException {
    InPomOrder order = new InPomOrder(log, tasks.size());
    int workers = Math.min(threads, tasks.size());
    if (workers <= 1) {
      for (int i = 0; i < tasks.size(); i++) {
        order.slots.get(i).run(tasks.get(i));
        order.pump(false);
      }
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(workers, threadsLike(Thread.currentThread()));
      try {
        for (int i = 0; i < tasks.size(); i++) {
          Slot slot = order.slots.get(i);
          Task task = tasks.get(i);
          pool.execute(() -> slot.run(task));
        }
        order.pump(true);
      } finally {
        pool.shutdown();
      }
    }
    order.rethrowFirstFailure();
  }

  /**
   * Writes the held lines in order until the first unfinished slot; with {@code workers} running,
   * until every slot is finished and written, waiting on even when this thread is interrupted
   * (tasks are not).
   */
  private synchronized void pump(boolean workers) {
    boolean interrupted = false;
    while (head < slots.size()) {
      Slot slot = slots.get(head);
      for (Consumer<Log> line : slot.held) {
        line.accept(log);
      }
      slot.held.clear();
      if (slot.done) {
        retire(slot);
        continue;
      }
      if (!workers) {
        break;
      }
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Workers with the mojo thread's class loader (the plugin's), as daemons named after it. */
  private static ThreadFactory threadsLike(Thread mojo) {
    ClassLoader loader = mojo.getContextClassLoader();
    AtomicInteger count = new AtomicInteger();
    return work -> {
      Thread thread = new Thread(work, "tensorspace-" + count.incrementAndGet());
      thread.setContextClassLoader(loader);
      thread.setDaemon(true);
      return thread;
    };
  }

  private void rethrowFirstFailure() throws MojoExecutionException, MojoFailureException {
    Throwable failure = firstFailure == null ? null : firstFailure.failure;
    if (failure instanceof MojoFailureException e) {
      throw e;
    }
    if (failure instanceof MojoExecutionException e) {
      throw e;
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }

  /**
   * Whether a line of this slot goes to the build log now: on the mojo's thread, whose model is
   * the head (only that thread moves the head, so the answer holds while it writes).
   */
  private synchronized boolean writesNow(Slot slot) {
    return Thread.currentThread() == mojo && slot.index == head;
  }

  /** Holds a line until its slot's turn. */
  private synchronized void hold(Slot slot, Consumer<Log> line) {
    slot.held.add(line);
    notifyAll();
  }

  private synchronized void finished(Slot slot) {
    slot.done = true;
    notifyAll();
  }

  /** The head slot is finished and written: its failure counts, and the next slot is the head. */
  private void retire(Slot slot) {
    if (slot.failure != null && firstFailure == null) {
      firstFailure = slot;
    } else if (slot.failure != null) {
      log.error("Also failed: " + slot.failure.getMessage());
    }
    head++;
  }

  /** One model's place in the order: its held-back lines and how its task ended. */
  private final class Slot {
    final int index;
    final List<Consumer<Log>> held = new ArrayList<>();
    boolean done;
    Throwable failure;

    Slot(int index) {
      this.index = index;
    }

    void run(Task task) {
      try {
        task.run(new SlotLog(this));
      } catch (MojoExecutionException | MojoFailureException | RuntimeException | Error e) {
        failure = e;
      } finally {
        finished(this);
      }
    }
  }

  /**
   * A model's log: each line goes to the build log now or when its turn comes. A line written now
   * makes no lambda: each lambda's first call bootstraps a class, and every conversion logs.
   */
  private final class SlotLog implements Log {
    private final Slot slot;

    SlotLog(Slot slot) {
      this.slot = slot;
    }

    private boolean now() {
      return writesNow(slot);
    }

    @Override public boolean isDebugEnabled() { return log.isDebugEnabled(); }
    @Override public void debug(CharSequence c) { if (now()) log.debug(c); else hold(slot, l -> l.debug(c)); }
    @Override public void debug(CharSequence c, Throwable e) { if (now()) log.debug(c, e); else hold(slot, l -> l.debug(c, e)); }
    @Override public void debug(Throwable e) { if (now()) log.debug(e); else hold(slot, l -> l.debug(e)); }
    @Override public boolean isInfoEnabled() { return log.isInfoEnabled(); }
    @Override public void info(CharSequence c) { if (now()) log.info(c); else hold(slot, l -> l.info(c)); }
    @Override public void info(CharSequence c, Throwable e) { if (now()) log.info(c, e); else hold(slot, l -> l.info(c, e)); }
    @Override public void info(Throwable e) { if (now()) log.info(e); else hold(slot, l -> l.info(e)); }
    @Override public boolean isWarnEnabled() { return log.isWarnEnabled(); }
    @Override public void warn(CharSequence c) { if (now()) log.warn(c); else hold(slot, l -> l.warn(c)); }
    @Override public void warn(CharSequence c, Throwable e) { if (now()) log.warn(c, e); else hold(slot, l -> l.warn(c, e)); }
    @Override public void warn(Throwable e) { if (now()) log.warn(e); else hold(slot, l -> l.warn(e)); }
    @Override public boolean isErrorEnabled() { return log.isErrorEnabled(); }
    @Override public void error(CharSequence c) { if (now()) log.error(c); else hold(slot, l -> l.error(c)); }
    @Override public void error(CharSequence c, Throwable e) { if (now()) log.error(c, e); else hold(slot, l -> l.error(c, e)); }
    @Override public void error(Throwable e) { if (now()) log.error(e); else hold(slot, l -> l.error(e)); }
  }
}
