"""Time from saving an article's body to its page being written by `knead watch`.

Start `knead watch --root SITE --output OUT` first, wait for its first build, then run
    python3 bench/save_to_output.py SITE OUT [N]
It appends a unique line to one article N times (restoring the file at the end), waits
for the marker to appear in the article's page, and prints the median.
"""
import sys, time, os, secrets
site, out = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 11
arts = sorted(os.listdir(f"{site}/content/articles"))
f = arts[len(arts) // 3]
slug = f[:-3]
src = f"{site}/content/articles/{f}"
page = f"{out}/articles/{slug}/index.html"
orig = open(src).read()
times = []
try:
    for i in range(n):
        marker = "M" + secrets.token_hex(6)
        text = orig.rstrip("\n") + f"\n\n{marker}\n"
        t0 = time.perf_counter()
        with open(src, "w") as fh:
            fh.write(text)
        deadline = t0 + 10
        while time.perf_counter() < deadline:
            try:
                if marker in open(page).read():
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.0005)
        times.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.25)
finally:
    open(src, "w").write(orig)
times.sort()
print(f"median save-to-output: {times[len(times)//2]:.1f} ms (min {times[0]:.1f}, max {times[-1]:.1f}, n={n})")
