// The libFuzzer side of a SharpFuzz target: libFuzzer runs in this process, the .NET target in a child that
// SharpFuzz's Fuzzer.LibFuzzer.Run drives. Written for TsThinLic against the protocol SharpFuzz 2.x implements
// (no code taken from the libfuzzer-dotnet project):
//   - one System V shared memory segment: a 64 KiB edge map the instrumented assemblies write, then the input
//     (at most 1 MiB);
//   - the child inherits a control pipe (we write the input's length, 4 bytes) and a status pipe (it writes a
//     4-byte status: 0 once ready, then 0 per input that passed, non-zero when an exception escaped);
//   - it finds them through the environment: __LIBFUZZER_SHM_ID, __LIBFUZZER_CONTROL_PIPE_ID,
//     __LIBFUZZER_STATUS_PIPE_ID.
// The edge map is copied into libFuzzer's extra counters after every input, so libFuzzer's coverage (cov:, ft:) is
// the managed code's. A failing status or a child that died becomes a crash here, so libFuzzer saves the input.
//
// Build: clang -O2 -fsanitize=fuzzer libfuzzer-dotnet.c -o libfuzzer-dotnet   (Debian: clang, libclang-rt-14-dev)
// Run:   libfuzzer-dotnet --target_path=DOTNET_EXECUTABLE [--target_arg=ARG]... [libFuzzer flags] CORPUS...
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

enum
{
    EdgeMapLength = 1 << 16,
    MaxInputLength = 1 << 20,
    ChildControlFd = 198,
    ChildStatusFd = 199,
    MaxTargetArgs = 8,
};

// libFuzzer reads every byte of this section as an 8-bit edge counter.
__attribute__((section("__libfuzzer_extra_counters"))) uint8_t tsthinlic_edges[EdgeMapLength];

static const char *s_target_path;
static const char *s_target_args[MaxTargetArgs];
static int s_target_arg_count;
static int s_shm_id = -1;
static uint8_t *s_shared;
static int s_control_fd = -1;
static int s_status_fd = -1;
static pid_t s_child = -1;

static void fail(const char *what)
{
    fprintf(stderr, "libfuzzer-dotnet: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void cleanup(void)
{
    if (s_shm_id >= 0)
    {
        shmctl(s_shm_id, IPC_RMID, NULL);
    }

    if (s_child > 0)
    {
        kill(s_child, SIGKILL);
        waitpid(s_child, NULL, 0);
    }
}

static const char *flag_value(const char *arg, const char *name)
{
    size_t length = strlen(name);
    return strncmp(arg, name, length) == 0 && arg[length] == '=' ? arg + length + 1 : NULL;
}

static int write_all(int fd, const void *data, size_t length)
{
    const uint8_t *p = data;
    while (length > 0)
    {
        ssize_t n = write(fd, p, length);
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        if (n <= 0)
        {
            return -1;
        }
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

// 1 when all of it was read, 0 on end of file (the child is gone), -1 on an error.
static int read_all(int fd, void *data, size_t length)
{
    uint8_t *p = data;
    while (length > 0)
    {
        ssize_t n = read(fd, p, length);
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        if (n < 0)
        {
            return -1;
        }
        if (n == 0)
        {
            return 0;
        }
        p += n;
        length -= (size_t)n;
    }
    return 1;
}

static void child_died(void)
{
    int status = 0;
    if (s_child > 0 && waitpid(s_child, &status, WNOHANG) == s_child)
    {
        if (WIFSIGNALED(status))
        {
            fprintf(stderr, "libfuzzer-dotnet: the .NET target died of signal %d\n", WTERMSIG(status));
        }
        else
        {
            fprintf(stderr, "libfuzzer-dotnet: the .NET target exited with %d\n", WEXITSTATUS(status));
        }
        s_child = -1;
    }
    else
    {
        fprintf(stderr, "libfuzzer-dotnet: the .NET target closed its status pipe\n");
    }

    // A crash of the whole runtime (stack overflow, fail-fast) is a finding: abort so libFuzzer saves the input.
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    for (int i = 1; i < *argc; i++)
    {
        const char *value;
        if ((value = flag_value((*argv)[i], "--target_path")) != NULL)
        {
            s_target_path = value;
        }
        else if ((value = flag_value((*argv)[i], "--target_arg")) != NULL && s_target_arg_count < MaxTargetArgs)
        {
            s_target_args[s_target_arg_count++] = value;
        }
    }

    if (s_target_path == NULL)
    {
        fprintf(stderr, "libfuzzer-dotnet: --target_path=EXECUTABLE is required\n");
        exit(2);
    }

    int control[2];
    int status[2];
    if (pipe(control) != 0 || pipe(status) != 0)
    {
        fail("pipe");
    }

    s_shm_id = shmget(IPC_PRIVATE, EdgeMapLength + MaxInputLength, IPC_CREAT | IPC_EXCL | 0600);
    if (s_shm_id < 0)
    {
        fail("shmget");
    }
    atexit(cleanup);

    s_shared = shmat(s_shm_id, NULL, 0);
    if (s_shared == (void *)-1)
    {
        fail("shmat");
    }

    s_child = fork();
    if (s_child < 0)
    {
        fail("fork");
    }

    if (s_child == 0)
    {
        if (dup2(control[0], ChildControlFd) < 0 || dup2(status[1], ChildStatusFd) < 0)
        {
            fail("dup2");
        }
        close(control[0]);
        close(control[1]);
        close(status[0]);
        close(status[1]);

        char id[16];
        snprintf(id, sizeof id, "%d", s_shm_id);
        char control_id[16];
        snprintf(control_id, sizeof control_id, "%d", ChildControlFd);
        char status_id[16];
        snprintf(status_id, sizeof status_id, "%d", ChildStatusFd);
        if (setenv("__LIBFUZZER_SHM_ID", id, 1) != 0 || setenv("__LIBFUZZER_CONTROL_PIPE_ID", control_id, 1) != 0
            || setenv("__LIBFUZZER_STATUS_PIPE_ID", status_id, 1) != 0)
        {
            fail("setenv");
        }

        const char *args[MaxTargetArgs + 2];
        args[0] = s_target_path;
        for (int i = 0; i < s_target_arg_count; i++)
        {
            args[i + 1] = s_target_args[i];
        }
        args[s_target_arg_count + 1] = NULL;
        execv(s_target_path, (char *const *)args);
        fail("execv");
    }

    close(control[0]);
    close(status[1]);
    s_control_fd = control[1];
    s_status_fd = status[0];

    // The child says it is ready (attached to the segment) with a first status word.
    int32_t ready;
    if (read_all(s_status_fd, &ready, sizeof ready) != 1)
    {
        child_died();
    }

    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MaxInputLength)
    {
        // libFuzzer's -max_len keeps inputs below this; a larger one is a mistake in the run's flags.
        fprintf(stderr, "libfuzzer-dotnet: input of %zu bytes is over the %d-byte limit\n", size, MaxInputLength);
        exit(2);
    }

    memset(s_shared, 0, EdgeMapLength);
    memcpy(s_shared + EdgeMapLength, data, size);

    int32_t length = (int32_t)size;
    if (write_all(s_control_fd, &length, sizeof length) != 0)
    {
        child_died();
    }

    int32_t status;
    int read = read_all(s_status_fd, &status, sizeof status);
    memcpy(tsthinlic_edges, s_shared, EdgeMapLength);
    if (read != 1)
    {
        child_died();
    }

    if (status != 0)
    {
        // SharpFuzz printed the exception on the child's stderr; this makes libFuzzer save the input.
        abort();
    }

    return 0;
}
