using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Rl.Agents.Tests;

/// <summary>
/// The rule of docs/architecture.md "TorchSharp Scalars": no implicit conversion to <c>TorchSharp.Scalar</c> (nor to
/// <c>torch.Tensor</c> from a number) anywhere in the library sources. TorchSharp 0.107 makes such a temporary, reads its native
/// handle and passes it to libtorch; nothing references the managed object any more, so its finalizer can free the native
/// Scalar while libtorch still reads it (random "Unknown scalar type" / Scalar.h INTERNAL ASSERT crashes). The sources keep
/// every Scalar in a variable that outlives the call (<c>using var s = 2.0.ToScalar()</c>) or in a field disposed with its owner.
/// The test compiles the library projects that can see TorchSharp with Roslyn and lists every offending file:line.
/// </summary>
public class ScalarLifetimeRuleTests
{
    /// <summary>The src/ projects whose code can reach TorchSharp (it or Rl.Agents among their references).</summary>
    private static readonly (string Project, string AssemblyName)[] Projects =
        [("src/Agents", "Rl.Agents"), ("src/Training", "Rl.Training")];

    [Fact]
    public void LibrarySourcesConvertNothingImplicitlyToTorchScalarsOrTensors()
    {
        string root = RepositoryRoot();
        var references = References();
        var offences = new List<string>();
        foreach (var (project, assemblyName) in Projects)
        {
            var trees = SourceFiles(Path.Combine(root, project))
                .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Options, path: Path.GetRelativePath(root, f)))
                .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, Options, path: "ImplicitUsings.g.cs"))
                .ToList();
            var compilation = CSharpCompilation.Create(assemblyName, trees,
                references.Where(r => !string.Equals(Path.GetFileNameWithoutExtension(r.FilePath), assemblyName, StringComparison.Ordinal)),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
            // A compilation with errors has an incomplete semantic model, and the scan below could miss conversions.
            // (CS8795: the [LibraryImport] partial methods whose other half the build's source generator writes.)
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795").Take(10).ToList();
            Assert.True(errors.Count == 0, $"{project} does not compile for the scan:\n" + string.Join("\n", errors));
            foreach (var tree in trees)
                offences.AddRange(Offences(compilation.GetSemanticModel(tree), tree));
        }
        Assert.True(offences.Count == 0,
            $"{offences.Count} implicit conversion(s) to a TorchSharp Scalar/Tensor (the GC may free the temporary during the native " +
            "call; keep it alive: `using var s = x.ToScalar();` or a Scalar field; see docs/architecture.md):\n" +
            string.Join("\n", offences.Distinct().Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void TheScanFindsImplicitScalarsInOperatorsArgumentsAndLambdas()
    {
        const string source = """
            using TorchSharp;
            using static TorchSharp.torch;
            static class C
            {
                static Tensor A(Tensor x) => x.pow(2);
                static Tensor B(Tensor x) => x * 0.5 + 1;
                static Tensor D(Tensor x) { using var two = 2.0.ToScalar(); return x.pow(two); }
                static System.Func<Tensor, Tensor> E => x => x.clamp_max(1.0f);
                static Tensor F(Tensor x) => x.gt(0.0);
                static Tensor G(Tensor x) => torch.where(x.gt(x), x, 0.0);
                static Tensor H(Tensor x) { using var half = 0.5.ToScalar(); return x * half - x; }
            }
            """;
        var tree = CSharpSyntaxTree.ParseText(source, Options, path: "Probe.cs");
        var compilation = CSharpCompilation.Create("Probe", [tree], References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var lines = Offences(compilation.GetSemanticModel(tree), tree).Distinct().ToList();
        // A (line 5): 2; B (6): the operators `x * 0.5` and `... + 1` (numbers converted inside TorchSharp); E (8): 1.0f;
        // F (9): 0.0; G (10): 0.0 (to a Tensor or a Scalar). D (7) keeps its Scalar.
        Assert.Equal(["Probe.cs:10", "Probe.cs:5", "Probe.cs:6", "Probe.cs:8", "Probe.cs:9"], lines.Select(l => l[..l.IndexOf(' ')]).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(2, lines.Count(l => l.StartsWith("Probe.cs:6 ", StringComparison.Ordinal)));
    }

    private static readonly CSharpParseOptions Options = new(LanguageVersion.Preview);

    /// <summary>The SDK's implicit global usings (ImplicitUsings=enable in Directory.Build.props).</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>"file:line `expression` -> Type" for every implicit user-defined conversion to TorchSharp's Scalar or Tensor.</summary>
    private static IEnumerable<string> Offences(SemanticModel model, SyntaxTree tree)
    {
        var found = new Dictionary<TextSpan, string>();
        void Check(SyntaxNode node, IMethodSymbol? method, bool isUserDefined)
        {
            if (!isUserDefined || method is null || !IsTorchScalarOrTensor(method.ContainingType)) return;
            var line = node.GetLocation().GetLineSpan();
            found.TryAdd(node.Span, $"{line.Path}:{line.StartLinePosition.Line + 1} `{node}` -> {method.ContainingType.Name}");
        }
        var root = tree.GetRoot();
        // Every expression's own conversion (arguments, operands, initializers, returns) ...
        foreach (var expression in root.DescendantNodes().OfType<ExpressionSyntax>())
        {
            var conversion = model.GetConversion(expression);
            if (conversion.IsImplicit) Check(expression, conversion.MethodSymbol, conversion.IsUserDefined);
        }
        // ... and, as a second opinion, the implicit conversions in the operation trees of every member body.
        foreach (var body in root.DescendantNodes().Where(n => n is BlockSyntax or ArrowExpressionClauseSyntax or EqualsValueClauseSyntax
                     && !n.Ancestors().Any(a => a is BlockSyntax or ArrowExpressionClauseSyntax or EqualsValueClauseSyntax)))
        {
            var operation = model.GetOperation(body);
            if (operation is null) continue;
            foreach (var op in operation.DescendantsAndSelf())
            {
                if (op is IConversionOperation { IsImplicit: true } conversion)
                    Check(conversion.Syntax, conversion.OperatorMethod, conversion.Conversion.IsUserDefined);
                // Tensor's operators that take a number (x * 0.5, 1 - x, x += 2) convert it to a Scalar inside TorchSharp,
                // where nothing keeps it alive either: use the Scalar overloads with a kept-alive Scalar instead.
                var method = op switch
                {
                    IBinaryOperation b => b.OperatorMethod,
                    ICompoundAssignmentOperation c => c.OperatorMethod,
                    _ => null,
                };
                if (method is not null && IsTorchScalarOrTensor(method.ContainingType)
                    && method.Parameters.Any(p => p.Type.SpecialType is not SpecialType.None))
                {
                    var line = op.Syntax.GetLocation().GetLineSpan();
                    found.TryAdd(op.Syntax.Span, $"{line.Path}:{line.StartLinePosition.Line + 1} `{op.Syntax}` -> Tensor operator with a {method.Parameters.First(p => p.Type.SpecialType is not SpecialType.None).Type}");
                }
            }
        }
        return found.Values;
    }

    private static bool IsTorchScalarOrTensor(INamedTypeSymbol? type) =>
        type is not null && type.ContainingNamespace?.ToDisplayString() == "TorchSharp"
        && (type.Name == "Scalar" && type.ContainingType is null
            || type.Name == "Tensor" && type.ContainingType?.Name == "torch");

    /// <summary>The assemblies this test runs with (the framework and TorchSharp, Rl.Core, Rl.Agents, ...): what src/ compiles against.</summary>
    private static List<PortableExecutableReference> References()
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"));
        return paths.Where(IsManaged).GroupBy(Path.GetFileName).Select(g => MetadataReference.CreateFromFile(g.First())).ToList();
    }

    private static bool IsManaged(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            return reader.HasMetadata && reader.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static IEnumerable<string> SourceFiles(string projectDirectory) =>
        Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(projectDirectory, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .Order(StringComparer.Ordinal);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rl.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Rl.sln above {AppContext.BaseDirectory}.");
    }
}
