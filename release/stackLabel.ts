import { PulumiCli } from "./pulumiCli";
import { stackFileName } from "./stackSettings";

/** The part of `pulumi stack export` that names the project (apitype.DeploymentV3, v3.248.0). */
export interface ExportedResources {
    deployment?: { resources?: Array<{ urn: string; type: string; id?: string }> };
}

/**
 * "xingrin-deploy/prod": the xingrin.stack label value this stack's containers carry, as the program
 * writes it (`<project>/<stack>`, pulumi.getStack() being the stack's own name even when --stack is
 * fully qualified). The project comes from the state's URNs.
 */
export function stackLabelOf(pulumi: PulumiCli, state: ExportedResources): string {
    const urns = (state.deployment?.resources ?? []).map(resource => resource.urn);
    const project = urns.map(urn => urn.split("::")[1]).find(name => name !== undefined && name !== "") ?? "xingrin-deploy";
    return `${project}/${stackFileName(pulumi.stack)}`;
}
