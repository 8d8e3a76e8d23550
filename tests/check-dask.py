#!/usr/bin/env python3
# check-dask.py — tools/predict-dask on a real Dask cluster
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-dask.py SYSTEMHEALER-CLI PREDICT-DASK
#
# Starts a real `dask scheduler` and two `dask worker` processes on
# 127.0.0.1 (free ports, chosen by the scheduler and read from its
# scheduler file), with the CLI put on the workers' PATH, then:
#  - runs the driver on four simulated files and compares every result
#    with single-process `predict`, byte for byte;
#  - runs it again with a gate in front of the CLI (a wrapper that waits
#    for a file), kills the worker that holds the first task, opens the
#    gate, and requires the job to complete, byte for byte the same;
#  - gives it a file the CLI rejects: the other files are done, the bad one
#    is reported with the CLI's located message, has no output, exit 1;
#  - checks the usage errors (exit 2) and --local.
# Skipped, saying so, when Debian's python3-distributed is not installed
# (tools/dev installs it).

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
PYTHON = '/usr/bin/python3'   # the interpreter of Debian's python3-distributed


def wait_for(condition, what, timeout=120):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit('timed out waiting for %s' % what)
        time.sleep(0.05)


def run(*args, env=None, check=True):
    p = subprocess.run([str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       encoding='utf-8', errors='replace', env=env)
    if check and p.returncode != 0:
        raise SystemExit('%s failed (%d):\n%s' % (' '.join(map(str, args)), p.returncode, p.stderr))
    return p


def read(path):
    with open(path, 'rb') as f:
        return f.read()


class Cluster:
    def __init__(self, work, env):
        self.work, self.env = work, env
        self.scheduler_file = os.path.join(work, 'scheduler.json')
        self.procs = []
        self.logs = []

    def start(self, what, *args):
        log = open(os.path.join(self.work, '%s.log' % what), 'w+')
        self.logs.append(log)
        p = subprocess.Popen(['dask', *args], stdout=log, stderr=subprocess.STDOUT,
                             env=self.env, start_new_session=True)
        self.procs.append(p)
        return p, log

    def up(self, n_workers):
        self.start('scheduler', 'scheduler', '--host', '127.0.0.1', '--port', '0',
                   '--no-dashboard', '--scheduler-file', self.scheduler_file)
        wait_for(lambda: os.path.exists(self.scheduler_file) and os.path.getsize(self.scheduler_file) > 0,
                 'the scheduler file')
        workers = []
        for i in range(n_workers):
            # No nanny: the worker is the process we started, so killing it
            # loses the worker for good and its tasks must move.
            p, log = self.start('worker%d' % i, 'worker', '--scheduler-file', self.scheduler_file,
                                '--nthreads', '1', '--no-nanny', '--no-dashboard',
                                '--host', '127.0.0.1', '--name', 'w%d' % i)
            workers.append((p, log))
        for p, log in workers:
            def registered(log=log, p=p):
                if p.poll() is not None:
                    raise SystemExit('a worker exited:\n' + self.dump())
                log.seek(0)
                return 'Registered to' in log.read()
            wait_for(registered, 'the workers to register')
        return [p for p, _ in workers]

    def dump(self):
        out = []
        for log in self.logs:
            log.seek(0)
            out.append('--- %s\n%s' % (log.name, log.read()[-3000:]))
        return '\n'.join(out)

    def down(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for log in self.logs:
            log.close()


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: check-dask.py SYSTEMHEALER-CLI PREDICT-DASK')
    cli, driver = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if shutil.which('dask') is None or subprocess.run(
            [PYTHON, '-c', 'import distributed'], stderr=subprocess.DEVNULL).returncode != 0:
        print('SKIP: Dask not found (Debian: python3-distributed; tools/dev installs it)')
        sys.exit(SKIP)

    failures = []
    with tempfile.TemporaryDirectory() as work:
        inputs = os.path.join(work, 'in')
        outputs = os.path.join(work, 'out')
        reference = os.path.join(work, 'ref')
        gate = os.path.join(work, 'gate')
        for d in (inputs, reference, gate):
            os.mkdir(d)
        model = os.path.join(work, 'model.json')
        train = os.path.join(work, 'train.csv')
        run(cli, 'simulate', '-o', train, '--samples', 300, '--seed', 1)
        run(cli, 'train', train, '-o', model, '--epochs', 5, '--hidden', '16', '--ensemble', 2)

        # The same OpenBLAS thread count everywhere: on CPUs without AVX-512
        # it can change the last printed digit (README, bench/README.md).
        env = dict(os.environ, OPENBLAS_NUM_THREADS='1', TMPDIR=work)
        names = ['part%d.csv' % i for i in range(1, 5)]
        for i, name in enumerate(names):
            run(cli, 'simulate', '-o', os.path.join(inputs, name), '--samples', 400 + 100 * i,
                '--seed', 10 + i, '--missing-rate', 0.05)
            run(cli, 'predict', model, os.path.join(inputs, name), '-o',
                os.path.join(reference, name), env=env)

        def same_as_reference(label):
            for name in names:
                path = os.path.join(outputs, name)
                if not os.path.exists(path):
                    failures.append('%s: %s has no result' % (label, name))
                elif read(path) != read(os.path.join(reference, name)):
                    failures.append('%s: %s differs from single-process predict' % (label, name))
            extra = sorted(set(os.listdir(outputs)) - set(names))
            if extra:
                failures.append('%s: unexpected files in OUTPUT_DIR: %r' % (label, extra))

        # The CLI on the workers' PATH only, and a gate in front of it.
        bin_dir = os.path.join(work, 'bin')
        os.mkdir(bin_dir)
        os.symlink(cli, os.path.join(bin_dir, 'systemhealer-cli'))
        gated = os.path.join(bin_dir, 'gated-cli')
        with open(gated, 'w') as f:
            f.write('#!/bin/sh\n'
                    '# Says which worker holds a task, then waits for the gate to open.\n'
                    'touch "%s/running.$PPID"\n'
                    'while [ ! -e "%s/open" ]; do sleep 0.05; done\n'
                    'exec systemhealer-cli "$@"\n' % (gate, gate))
        os.chmod(gated, 0o755)
        worker_env = dict(env, PATH=bin_dir + os.pathsep + env.get('PATH', ''))

        cluster = Cluster(work, worker_env)
        try:
            workers = cluster.up(2)
            with open(cluster.scheduler_file) as f:
                import json
                address = json.load(f)['address']

            # 1. Four files, compared with predict.
            p = run(driver, '--scheduler', address, model, inputs, outputs, check=False)
            print('driver, four files:\n' + p.stderr.strip())
            if p.returncode != 0:
                failures.append('driver exited %d:\n%s' % (p.returncode, p.stderr))
            same_as_reference('four files')

            # 2. A worker killed while it holds a task.
            shutil.rmtree(outputs)
            driver_proc = subprocess.Popen(
                [driver, '--scheduler', address, '--cli', 'gated-cli', model, inputs, outputs],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding='utf-8', errors='replace')
            running = lambda: [f for f in os.listdir(gate) if f.startswith('running.')]
            wait_for(lambda: running(), 'a task to start')
            holder = int(running()[0].split('.')[1])
            victim = [w for w in workers if w.pid == holder]
            if not victim:
                failures.append('the task runs in %d, not in a worker we started' % holder)
            else:
                victim[0].kill()
                victim[0].wait()
            open(os.path.join(gate, 'open'), 'w').close()
            out, err = driver_proc.communicate(timeout=240)
            print('driver, one worker killed:\n' + err.strip())
            if driver_proc.returncode != 0:
                failures.append('after a worker was killed, the driver exited %d:\n%s'
                                % (driver_proc.returncode, err))
            same_as_reference('one worker killed')

            # 3. A file the CLI rejects, beside good ones.
            shutil.rmtree(outputs)
            bad_inputs = os.path.join(work, 'in-bad')
            os.mkdir(bad_inputs)
            shutil.copy(os.path.join(inputs, names[0]), bad_inputs)
            with open(os.path.join(bad_inputs, 'broken.csv'), 'w') as f:
                f.write('sample_id,feature0\ns1,notanumber\n')
            p = run(driver, '--scheduler', address, '--retries', 1, model, bad_inputs, outputs,
                    check=False)
            if p.returncode != 1:
                failures.append('a bad file: exit %d, not 1' % p.returncode)
            if 'FAILED broken.csv' not in p.stderr or 'broken.csv:2:' not in p.stderr:
                failures.append('a bad file is not reported with its location:\n%s' % p.stderr)
            if sorted(os.listdir(outputs)) != [names[0]] or \
                    read(os.path.join(outputs, names[0])) != read(os.path.join(reference, names[0])):
                failures.append('a bad file: outputs %r' % sorted(os.listdir(outputs)))
        finally:
            cluster.down()

        # 4. Usage errors, and --local.
        for args in ([], [model, inputs, outputs], ['--local', 0, model, inputs, outputs],
                     ['--local', 1, model, inputs, inputs]):
            p = run(driver, *args, check=False)
            if p.returncode != 2:
                failures.append('predict-dask %s: exit %d, not 2' % (' '.join(map(str, args)), p.returncode))
        p = run(driver, '--help')
        for needle in ('--scheduler', '--local', 'retried', 'atomically', 'exits 1'):
            if needle not in ' '.join(p.stdout.split()):
                failures.append('--help does not mention %r' % needle)
        shutil.rmtree(outputs)
        p = run(driver, '--local', 2, '--cli', cli, model, inputs, outputs, check=False, env=env)
        if p.returncode != 0:
            failures.append('--local 2 exited %d:\n%s' % (p.returncode, p.stderr))
        same_as_reference('--local 2')

    for f in failures:
        print('FAIL:', f)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
