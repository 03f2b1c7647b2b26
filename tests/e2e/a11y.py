"""Accessibility and HTML checks for the browser tests: axe-core and the Nu HTML checker.

Both tools come from npm (`package.json` at the repository root, installed by `npm ci`).
"""

import json
import subprocess
from pathlib import Path

# The rule sets of WCAG 2.0 and 2.1, levels A and AA: the level the RGAA 4.1 asks for.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_AXE_RUN = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(" "),
      summary: node.failureSummary,
    })),
  }));
}
"""


def axe_violations(page, axe_path):
    """Run axe-core on the page as it is now and return its WCAG A/AA violations.

    The script is evaluated through the DevTools protocol rather than added as a <script>
    tag: the portal's content security policy (script-src 'self') rightly refuses inline
    scripts, and the test must not weaken it with bypass_csp.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(Path(axe_path).read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def format_violations(violations):
    """A readable list of violations for a failing assertion: rule, impact, help, nodes."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"        {summary_line}")
    return "\n".join(lines)


def assert_no_axe_violation(page, axe_path, label=""):
    """Fail with the list of axe-core violations of the current page, if there is any."""
    violations = axe_violations(page, axe_path)
    assert not violations, (
        f"axe-core found {len(violations)} WCAG A/AA violation(s) on {label or page.url}:\n"
        + format_violations(violations)
    )


def vnu_check(java, vnu_jar, documents, workdir):
    """Check HTML documents with the Nu HTML checker in one run; return their errors by name.

    `documents` maps a name to the HTML served for it. One Java process checks all the
    files, because starting the checker costs more than checking a page. Warnings and
    information messages are left out: only errors fail a page.
    """
    workdir = Path(workdir)
    paths = {}
    for name, html in documents.items():
        path = (workdir / f"{name}.html").resolve()
        path.write_text(html, encoding="utf-8")
        paths[name] = path
    # Plain file paths: given a file:// URL instead, the checker reports nothing at all.
    completed = subprocess.run(  # noqa: S603 -- fixed command line, our own temporary files
        [java, "-jar", str(vnu_jar), "--format", "json", "--stdout", *map(str, paths.values())],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    try:
        messages = json.loads(completed.stdout)["messages"]
    except (ValueError, KeyError) as error:
        raise AssertionError(
            f"The Nu HTML checker gave no JSON report (exit {completed.returncode}):\n"
            f"{completed.stdout}\n{completed.stderr}"
        ) from error
    by_url = {f"file:{path}": name for name, path in paths.items()}
    errors = {}
    for message in messages:
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        name = by_url.get(message.get("url", ""), message.get("url", "?"))
        errors.setdefault(name, []).append(message)
    return errors


def format_vnu_errors(errors):
    """A readable list of Nu checker errors, per page, with line and the offending extract."""
    lines = []
    for name, messages in sorted(errors.items()):
        lines.append(f"{name}:")
        for message in messages:
            where = f"line {message.get('lastLine', '?')}"
            lines.append(f"  - {where}: {message.get('message', '')}")
            if message.get("extract"):
                lines.append(f"      {message['extract'].strip()}")
    return "\n".join(lines)
