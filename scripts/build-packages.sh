#!/usr/bin/env bash
# Packs the Allixios NuGet packages into the local feed and proves them the way a user consumes them.
#
#   scripts/build-packages.sh
#
# 1. Packs src/Allixios.Sdk, and src/Allixios.N8nBridge when it exists, in Release with a version no
#    earlier run used (<VersionPrefix>-ci.<unix seconds>.<pid>) into nuget/packages.
# 2. Checks every package: README, licence expression, repository url and commit, XML docs beside each
#    assembly, and a .snupkg holding each assembly's PDB.
# 3. Restores, builds and runs samples/Allixios.Samples.Quickstart against exactly that Allixios.Sdk
#    version, from nuget/nuget.config, into a fresh packages folder under artifacts/; the sample exits
#    non-zero unless the quick start worked.
#
# Why a new version every run: NuGet caches a package id+version forever (in the global packages folder),
# so repacking an old version would let a restore silently use the stale copy. See nuget/README.md.
#
# Environment:
#   ALLIXIOS_VERSION_SUFFIX  the pre-release suffix (default ci.<unix seconds>.<pid>); set it empty for a
#                            stable <VersionPrefix> release build
set -euo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
feed="$repo_dir/nuget/packages"
sample="$repo_dir/samples/Allixios.Samples.Quickstart/Allixios.Samples.Quickstart.csproj"
suffix="${ALLIXIOS_VERSION_SUFFIX-ci.$(date -u +%s).$$}"
projects=(src/Allixios.Sdk/Allixios.Sdk.csproj src/Allixios.N8nBridge/Allixios.N8nBridge.csproj)

say() { printf '[packages] %s\n' "$*"; }
die() { printf '[packages] ERROR: %s\n' "$*" >&2; exit 1; }

suffix_args=()
if [[ -n "$suffix" ]]; then
  suffix_args=(--version-suffix "$suffix")
fi

# The package id and version a project packs as, with the suffix of this run.
project_property() { # project property
  dotnet msbuild "$repo_dir/$1" -nologo -getProperty:"$2" -p:Configuration=Release ${suffix:+-p:VersionSuffix="$suffix"}
}

# Fails unless the package and its symbols package carry what a package on nuget.org is expected to.
check_package() { # id version
  local id="$1" version="$2"
  local nupkg="$feed/$id.$version.nupkg" snupkg="$feed/$id.$version.snupkg"
  [[ -f "$nupkg" ]] || die "$id: $nupkg was not produced"
  [[ -f "$snupkg" ]] || die "$id: no symbols package $snupkg (IncludeSymbols/SymbolPackageFormat=snupkg in Directory.Build.props)"

  local files symbol_files nuspec
  files="$(unzip -Z1 "$nupkg")"
  symbol_files="$(unzip -Z1 "$snupkg")"
  nuspec="$(unzip -p "$nupkg" "$id.nuspec")" || die "$id: the package has no $id.nuspec"

  grep -qx 'README.md' <<<"$files" || die "$id: README.md is not at the package root (PackageReadmeFile + <None Include=\"README.md\" Pack=\"true\" PackagePath=\"\\\" />)"
  grep -q '<readme>README.md</readme>' <<<"$nuspec" || die "$id: the nuspec does not name README.md as its readme"
  grep -Eq '<license type="expression">[^<]+</license>' <<<"$nuspec" || die "$id: the nuspec has no licence expression (PackageLicenseExpression)"
  grep -Eq '<repository type="git" url="https://[^"]+"[^>]* commit="[0-9a-f]{40}"' <<<"$nuspec" \
    || die "$id: the nuspec has no repository url and commit (RepositoryUrl, PublishRepositoryUrl, a git checkout)"
  grep -q "<version>$version</version>" <<<"$nuspec" || die "$id: the nuspec version is not $version"

  local dlls dll base
  dlls="$(grep -E '^lib/[^/]+/[^/]+\.dll$' <<<"$files" || true)"
  [[ -n "$dlls" ]] || die "$id: the package has no lib/<tfm>/*.dll"
  while IFS= read -r dll; do
    base="${dll%.dll}"
    grep -qx "$base.xml" <<<"$files" || die "$id: $dll has no XML docs beside it (GenerateDocumentationFile)"
    grep -qx "$base.pdb" <<<"$symbol_files" || die "$id: the symbols package has no $base.pdb"
  done <<<"$dlls"

  say "$id $version: README, licence $(sed -nE 's|.*<license type="expression">([^<]+)</license>.*|\1|p' <<<"$nuspec"), repository commit $(sed -nE 's|.*commit="([0-9a-f]{7}).*|\1|p' <<<"$nuspec"), $(wc -l <<<"$dlls") assembly(ies) with XML docs and PDBs: ok"
}

mkdir -p "$feed"
# Earlier runs' ci packages are kept a while for anyone restoring the floating default, then dropped.
find "$feed" -maxdepth 1 -type f -name 'Allixios.*-ci.*' -mmin +180 -delete 2>/dev/null || true

sdk_version=""
packed=0
for project in "${projects[@]}"; do
  if [[ ! -f "$repo_dir/$project" ]]; then
    say "skip $project: it does not exist yet"
    continue
  fi
  id="$(project_property "$project" PackageId)"
  version="$(project_property "$project" PackageVersion)"
  [[ -n "$id" && -n "$version" ]] || die "could not read PackageId/PackageVersion of $project"
  say "pack $id $version <- $project"
  dotnet pack "$repo_dir/$project" -c Release -o "$feed" --nologo "${suffix_args[@]}" -p:ContinuousIntegrationBuild=true \
    || die "dotnet pack $project failed"
  check_package "$id" "$version"
  packed=$((packed + 1))
  if [[ "$id" == "Allixios.Sdk" ]]; then
    sdk_version="$version"
  fi
done
[[ -n "$sdk_version" ]] || die "Allixios.Sdk was not packed"

# The sample restores from nuget/nuget.config into a packages folder of its own, so neither the machine's
# global packages folder nor an earlier run can supply it; its build output stays under artifacts/ too.
work="$repo_dir/artifacts/package-check/$sdk_version"
find "$repo_dir/artifacts/package-check" -mindepth 1 -maxdepth 1 -type d -mmin +180 -exec rm -rf {} + 2>/dev/null || true
rm -rf "$work"
mkdir -p "$work"
sample_args=(-p:AllixiosVersion="[$sdk_version]" -p:UseArtifactsOutput=true -p:ArtifactsPath="$work/sample")

say "restore the quickstart sample with Allixios.Sdk [$sdk_version] from nuget/nuget.config"
dotnet restore "$sample" --configfile "$repo_dir/nuget/nuget.config" --packages "$work/packages" "${sample_args[@]}" \
  || die "restoring the sample failed (kept $work)"
assets="$(find "$work/sample/obj" -name project.assets.json | head -n 1)"
[[ -n "$assets" ]] || die "the sample restore wrote no project.assets.json under $work/sample/obj"
resolved="$(jq -r '.libraries | keys[] | select(startswith("Allixios.Sdk/"))' "$assets")"
[[ "$resolved" == "Allixios.Sdk/$sdk_version" ]] || die "the sample resolved '$resolved', not Allixios.Sdk/$sdk_version"
nupkg_in_cache="$(find "$work/packages/allixios.sdk" -name '*.nupkg' | head -n 1)"
cmp -s "$nupkg_in_cache" "$feed/Allixios.Sdk.$sdk_version.nupkg" \
  || die "the restored Allixios.Sdk is not the package just packed into nuget/packages"

say "build and run the quickstart sample"
dotnet build "$sample" -c Release --no-restore --nologo "${sample_args[@]}" || die "building the sample failed (kept $work)"
if ! dotnet run --project "$sample" -c Release --no-build "${sample_args[@]}"; then
  die "the quickstart sample failed against Allixios.Sdk $sdk_version (kept $work)"
fi

# samples/nuget.config must point at the same feed, for a user's plain `dotnet run` under samples/.
dotnet nuget list source --configfile "$repo_dir/samples/nuget.config" | grep -qx "[[:space:]]*$feed" \
  || die "samples/nuget.config does not name $feed as a source"

rm -rf "$work"
say "ok: $packed package(s) $( [[ -n "$suffix" ]] && echo "with suffix $suffix " )in nuget/packages; the quickstart sample ran against Allixios.Sdk $sdk_version"
