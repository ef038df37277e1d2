#!/usr/bin/env python3
"""Writes 4,000 made-up YAML documents into a folder for bench/yaml-diff.sh: keys with
plain, quoted, flow (`[...]`, `{...}`) and block (`|`) values, and the characters the
scanner treats specially (`: `, `#`, quotes, escapes, tabs, accents). Deterministic.

    python3 bench/yaml-diff/made_up.py /tmp/ysyn
"""
import os
import random
import sys

ATOMS = ['a', 'ab:c', 'x: y', 'k,v', '[1, 2]', '{a: b}', '#c', 'a#b', '"q\\"x"', "'s''t'", 'é',
         'naïve text', 'url: http://x.y/z?a=1,2', '- item', '? key', ': v', 'a:b:c', 'tab\there',
         'trail ', '|', '>', '&anc', '*ref', '!tag x', '%', '@x', '`y', '{k: [v, w], z: "q"}',
         '[a, {b: c}, "d, e"]', '"multi\n  line"', 'plain\n  continued', '12:30', '2025-01-01',
         '~', 'null', 'yes', '0x1F']


def main(out):
    random.seed(7)
    os.makedirs(out, exist_ok=True)
    for i in range(4000):
        lines = []
        for j in range(random.randint(1, 6)):
            key = random.choice(['title', 't', 'key with space', '"quoted key"', f'k{j}'])
            value = random.choice(ATOMS)
            if random.random() < 0.3:
                value = '[' + ', '.join(random.choice(ATOMS) for _ in range(3)) + ']'
            if random.random() < 0.2:
                value = '{' + ', '.join(f'{random.choice("abc")}: {random.choice(ATOMS)}' for _ in range(2)) + '}'
            if random.random() < 0.2:
                value = '|\n  ' + random.choice(ATOMS) + '\n  ' + random.choice(ATOMS)
            lines.append(f'{key}: {value}')
        with open(os.path.join(out, f'd{i}.yaml'), 'w') as f:
            f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: made_up.py OUT_DIR')
    main(sys.argv[1])
