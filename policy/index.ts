import { PolicyPack, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { DeclaredImage, isXingrinImage, mixedTagsProblem, mutableTagProblem, notKeptProblem, REMOTE_IMAGE_TYPE } from "./rules";

function declaredImage(resource: { type: string; urn: string; props: Record<string, any> }): DeclaredImage | undefined {
    if (resource.type !== REMOTE_IMAGE_TYPE || typeof resource.props.name !== "string" || !isXingrinImage(resource.props.name)) {
        return undefined;
    }
    return { urn: resource.urn, ref: resource.props.name, keepLocally: resource.props.keepLocally === true };
}

function forEachImage(check: (image: DeclaredImage) => string | undefined) {
    return (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        const image = declaredImage(args);
        const problem = image && check(image);
        if (problem !== undefined) {
            reportViolation(problem);
        }
    };
}

// Mandatory: a production deploy that breaks any of these is stopped before anything changes.
new PolicyPack("xingrin-release-policy", {
    enforcementLevel: "mandatory",
    policies: [
        {
            name: "xingrin-immutable-tags",
            description: "Every XingRin image is pinned to a release tag: v + semantic version, never latest or none.",
            validateResource: forEachImage(image => mutableTagProblem(image.ref)),
        },
        {
            name: "xingrin-one-tag",
            description: "All XingRin images in the stack carry the same tag.",
            validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
                const images = args.resources.map(declaredImage).filter((i): i is DeclaredImage => i !== undefined);
                const problem = mixedTagsProblem(images);
                if (problem !== undefined) {
                    reportViolation(problem);
                }
            },
        },
        {
            name: "xingrin-images-kept",
            description: "XingRin images stay on the host after a change, so a rollback pulls nothing.",
            validateResource: forEachImage(notKeptProblem),
        },
    ],
});
