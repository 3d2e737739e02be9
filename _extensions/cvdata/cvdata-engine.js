// cvdata's execution engine for Quarto 1.9+ (an engine extension; its API is marked as
// changing: the pages also render through Quarto's Jupyter engine, which this one mirrors).
//
// It takes the documents that name the `cvdata` kernel (`jupyter: cvdata` in their front
// matter: the project's pages and notebooks) unless CVDATA_ENGINE=jupyter. For each
// execution it turns the page into a notebook with Quarto's converter, as the Jupyter engine
// does, and runs `python -m cvdata.quarto.kernel_launcher --run REQUEST RESULT`: the
// launcher asks the project's fork server (started by the pre-render step, with pandas,
// plotly and cvdata imported) for a child that runs the cells (src/cvdata/quarto/runner.py),
// else runs them itself. The executed notebook becomes Markdown through Quarto's converter
// with the Jupyter engine's options, so a page reads the same either way; what is saved is a
// kernel, its client and Quarto's Python helper for each page. Plain JavaScript (no build
// step), the Quarto API only.

let quarto;

const kEngine = "cvdata";
const kKernel = "cvdata";

function enabled() {
  return (Deno.env.get("CVDATA_ENGINE") ?? "").trim().toLowerCase() !== "jupyter";
}

function isPercent(file) {
  return quarto.jupyter.isPercentScript(file, [".py"]);
}

function markdownOf(file) {
  return isPercent(file)
    ? quarto.jupyter.percentScriptToMarkdown(file)
    : Deno.readTextFileSync(file);
}

// Whether a document names the cvdata kernel (its front matter's `jupyter: cvdata`).
function namesOurKernel(file) {
  try {
    const yaml = quarto.markdownRegex.extractYaml(markdownOf(file));
    return !!yaml && yaml.jupyter === kKernel;
  } catch {
    return false; // Quarto reports a broken front matter itself
  }
}

function dirname(path) {
  const i = path.lastIndexOf("/");
  return i > 0 ? path.slice(0, i) : "/";
}

function basename(path) {
  return path.slice(path.lastIndexOf("/") + 1);
}

function join(...parts) {
  return parts.join("/").replace(/\/+/g, "/");
}

// The Python that Quarto's Jupyter engine starts the cvdata kernel with (its `python`):
// QUARTO_PYTHON, else python3 on PATH. Not Quarto's pythonExec, which runs a Python to
// ask it (about 0.3 s a page).
function python() {
  return Deno.env.get("QUARTO_PYTHON") || (Deno.build.os === "windows" ? "python" : "python3");
}

async function runNotebook(options, nb) {
  const input = quarto.path.absolute(options.target.input);
  const folder = Deno.makeTempDirSync({ dir: options.tempDir, prefix: "cvdata-" });
  const request = join(folder, "request.json");
  const result = join(folder, "result.json");
  const execute = options.format.execute ?? {};
  Deno.writeTextFileSync(
    request,
    JSON.stringify({
      notebook: nb,
      document: basename(options.target.source),
      execute: { eval: execute.eval, error: execute.error },
      quiet: !!options.quiet,
    }),
  );
  if (!options.quiet) {
    Deno.stderr.writeSync(new TextEncoder().encode("Starting cvdata runner..."));
  }
  const child = new Deno.Command(python(), {
    args: ["-m", "cvdata.quarto.kernel_launcher", "--run", request, result],
    cwd: dirname(input),
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  });
  const { code } = await child.output();
  if (code !== 0) {
    // As Quarto's Jupyter engine fails: the cell's error is above, no stack of ours.
    quarto.console.error(
      `cvdata engine: ${basename(options.target.source)} did not run (exit ${code}); ` +
        "the cell's error is above",
    );
    return undefined;
  }
  return quarto.jupyter.fromJSON(Deno.readTextFileSync(result));
}

const engine = {
  init: (api) => {
    quarto = api;
  },
  name: kEngine,
  defaultExt: ".qmd",
  defaultYaml: () => [`jupyter: ${kKernel}`],
  defaultContent: () => ["```{python}", "```"],
  validExtensions: () => [],
  claimsFile: (file, ext) =>
    enabled() && (ext === ".qmd" || isPercent(file)) && namesOurKernel(file),
  claimsLanguage: () => false,
  canFreeze: true,
  generatesFigures: true,

  launch: (context) => ({
    name: kEngine,
    canFreeze: true,

    markdownForFile: (file) =>
      Promise.resolve(
        isPercent(file)
          ? quarto.mappedString.fromString(quarto.jupyter.percentScriptToMarkdown(file))
          : quarto.mappedString.fromFile(file),
      ),

    target: async (file, _quiet, markdown) => {
      if (!markdown) {
        markdown = await context.resolveFullMarkdownForFile(undefined, file);
      }
      return {
        source: file,
        input: file,
        markdown,
        metadata: quarto.markdownRegex.extractYaml(markdown.value),
      };
    },

    partitionedMarkdown: (file) => Promise.resolve(quarto.markdownRegex.partition(markdownOf(file))),

    execute: async (options) => {
      let nb = await quarto.jupyter.quartoMdToJupyter(options.target.markdown.value, true, context);
      if ((options.format.execute ?? {}).enabled !== false) {
        nb = await runNotebook(options, nb);
        if (!nb) {
          return Promise.reject();
        }
      }
      // From here on as Quarto's Jupyter engine (src/execute/jupyter/jupyter.ts).
      const assets = quarto.jupyter.assets(options.target.input, options.format.pandoc.to);
      const result = await quarto.jupyter.toMarkdown(nb, {
        executeOptions: options,
        language: nb.metadata.kernelspec.language.toLowerCase(),
        assets,
        execute: options.format.execute,
        keepHidden: options.format.render["keep-hidden"],
        toHtml: quarto.format.isHtmlCompatible(options.format),
        toLatex: quarto.format.isLatexOutput(options.format.pandoc),
        toMarkdown: quarto.format.isMarkdownOutput(options.format),
        toIpynb: quarto.format.isIpynbOutput(options.format.pandoc),
        toPresentation: quarto.format.isPresentationOutput(options.format.pandoc),
        figFormat: options.format.execute["fig-format"],
        figDpi: options.format.execute["fig-dpi"],
        figPos: options.format.render["fig-pos"],
        preserveCellMetadata: options.format.render["notebook-preserve-cells"] === true ||
          (quarto.format.isHtmlDashboardOutput(options.format.identifier["base-format"]) &&
            !quarto.path.isQmdFile(options.target.source)),
        preserveCodeCellYaml: options.format.render["produce-source-notebook"] === true,
      });
      let includes;
      let engineDependencies;
      if (options.dependencies) {
        includes = quarto.jupyter.resultIncludes(options.tempDir, result.dependencies);
      } else {
        const dependencies = quarto.jupyter.resultEngineDependencies(result.dependencies);
        if (dependencies) {
          engineDependencies = { [kEngine]: dependencies };
        }
      }
      const outputs = result.cellOutputs.map((output) => output.markdown);
      if (result.notebookOutputs?.prefix) outputs.unshift(result.notebookOutputs.prefix);
      if (result.notebookOutputs?.suffix) outputs.push(result.notebookOutputs.suffix);
      return {
        engine: kEngine,
        markdown: outputs.join(""),
        supporting: [join(assets.base_dir, assets.supporting_dir)],
        filters: [],
        pandoc: result.pandoc,
        includes,
        engineDependencies,
        preserve: result.htmlPreserve,
        postProcess: !!result.htmlPreserve && Object.keys(result.htmlPreserve).length > 0,
      };
    },

    dependencies: (options) => {
      const includes = {};
      if (options.dependencies) {
        const files = quarto.jupyter.widgetDependencyIncludes(
          options.dependencies,
          options.tempDir,
        );
        if (files.inHeader) includes["include-in-header"] = [files.inHeader];
        if (files.afterBody) includes["include-after-body"] = [files.afterBody];
      }
      return Promise.resolve({ includes });
    },

    postprocess: (options) => {
      quarto.text.postProcessRestorePreservedHtml(options);
      return Promise.resolve();
    },

    canKeepSource: () => true,
  }),
};

export default engine;
